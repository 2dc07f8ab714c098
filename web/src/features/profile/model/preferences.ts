/** The account's copy of the display preferences, and when the local ones differ from it. */
import { normalise, type Preferences } from "@/shared/preferences/preferences";
import type { SessionUser } from "@/shared/session/session";

const KEYS = ["language", "theme", "odds_format", "reality_check_minutes"] as const;

/** The keys the account has stored, each valid (an unknown value is ignored). */
export function accountPreferences(user: SessionUser): Partial<Preferences> {
  // The API's user carries `preferences`; the session's type does not know it yet.
  const raw = (user as SessionUser & { preferences?: unknown }).preferences;
  if (!raw || typeof raw !== "object") return {};
  const stored = raw as Record<string, unknown>;
  const valid = normalise(stored);
  const out: Partial<Preferences> = {};
  if (stored.language === valid.language) out.language = valid.language;
  if (stored.theme === valid.theme) out.theme = valid.theme;
  if (stored.odds_format === valid.odds_format) out.odds_format = valid.odds_format;
  // null is a choice here (reality checks off); a key the account lacks is none.
  if (
    "reality_check_minutes" in stored &&
    stored.reality_check_minutes === valid.reality_check_minutes
  )
    out.reality_check_minutes = valid.reality_check_minutes;
  return out;
}

/** The local preferences that the account does not have yet (empty: nothing to save). */
export function unsaved(local: Preferences, account: Partial<Preferences>): Partial<Preferences> {
  const out: Partial<Record<(typeof KEYS)[number], unknown>> = {};
  // An account without reality checks and a device with them off agree (both none).
  for (const key of KEYS) if ((account[key] ?? null) !== local[key]) out[key] = local[key];
  return out as Partial<Preferences>;
}
