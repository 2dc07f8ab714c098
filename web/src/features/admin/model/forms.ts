/**
 * The admin forms' rules, as the events API checks them (docs/events.md): scores are whole numbers
 * 0–10 000, odds decimals above 1.000 with at most three places and at most 1000, a start time in
 * the future. Each message is a key of the admin namespace's `form` section (translated where shown).
 */
import { z } from "zod";

const SCORE = /^\d{1,5}$/;
const ODDS = /^\d{1,4}(?:[.,]\d{1,3})?$/;

/** "1.85" → 1850 (thousandths), null for anything that is not a plain decimal. */
export function oddsThousandths(text: string): number | null {
  const match = /^(\d{1,4})(?:[.,](\d{1,3}))?$/.exec(text.trim());
  if (!match) return null;
  return Number(match[1]) * 1000 + Number((match[2] ?? "").padEnd(3, "0"));
}

/** The API's request form of a price: dot as the separator ("1,85" typed in Russian → "1.85"). */
export function oddsValue(text: string): string {
  return text.trim().replace(",", ".");
}

export const scoreField = z
  .string()
  .trim()
  .min(1, { error: "required" })
  .regex(SCORE, { error: "scoreInvalid" })
  .refine((value) => Number(value) <= 10_000, { error: "scoreTooLarge" });

export const oddsField = z
  .string()
  .trim()
  .min(1, { error: "required" })
  .regex(ODDS, { error: "oddsInvalid" })
  .refine((value) => (oddsThousandths(value) ?? 0) > 1000, { error: "oddsNotAboveOne" })
  .refine((value) => (oddsThousandths(value) ?? 0) <= 1_000_000, { error: "oddsTooLarge" });

const optionalText = z.string().trim().max(500, { error: "tooLong" });

export const settleSchema = z.object({
  home_score: scoreField,
  away_score: scoreField,
  reason: optionalText,
});
export type SettleValues = z.infer<typeof settleSchema>;

/** A resettlement must say why (the reason goes into the audit trail and EventResettled). */
export const resettleSchema = settleSchema.extend({
  reason: z.string().trim().min(1, { error: "reasonRequired" }).max(500, { error: "tooLong" }),
});

export const scoreSchema = z.object({
  home_score: scoreField,
  away_score: scoreField,
  minute: z
    .string()
    .trim()
    .regex(/^(?:\d{1,3})?$/, { error: "minuteInvalid" })
    .refine((value) => value === "" || Number(value) <= 300, { error: "minuteInvalid" }),
  period: z.string().trim().max(50, { error: "tooLong" }),
});
export type ScoreValues = z.infer<typeof scoreSchema>;

export const reasonSchema = z.object({ reason: optionalText });

/** A refusal of money out always carries its reason (the user sees it). */
export const rejectSchema = z.object({
  reason: z.string().trim().min(1, { error: "reasonRequired" }).max(500, { error: "tooLong" }),
});
export type RejectValues = z.infer<typeof rejectSchema>;

export const blockSchema = rejectSchema;

/** `<input type="datetime-local">` (local wall time) → ISO 8601 in UTC; null when not a time. */
export function localToIso(local: string): string | null {
  if (!local) return null;
  const date = new Date(local);
  return Number.isNaN(date.getTime()) ? null : date.toISOString();
}

/** ISO 8601 → the value a datetime-local input shows (local wall time, minutes). */
export function isoToLocal(iso: string): string {
  const date = new Date(iso);
  const pad = (n: number) => String(n).padStart(2, "0");
  return `${date.getFullYear()}-${pad(date.getMonth() + 1)}-${pad(date.getDate())}T${pad(
    date.getHours(),
  )}:${pad(date.getMinutes())}`;
}

export function futureTime(now: () => number = Date.now) {
  return z
    .string()
    .min(1, { error: "required" })
    .refine((value) => localToIso(value) !== null, { error: "timeInvalid" })
    .refine((value) => new Date(value).getTime() > now(), { error: "startInPast" });
}

export const rescheduleSchema = z.object({ event_datetime: futureTime() });

const team = z.string().trim().min(1, { error: "required" }).max(100, { error: "tooLong" });

export const createEventSchema = z
  .object({
    sport: z.string().min(1, { error: "required" }),
    league: z.string().min(1, { error: "required" }),
    home_team: team,
    away_team: team,
    event_datetime: futureTime(),
    odds_1: oddsField,
    /** Empty for a sport without draws: then 1 and 2 open a two-way Winner market. */
    odds_x: z.union([z.literal(""), oddsField]),
    odds_2: oddsField,
  })
  .refine((values) => values.home_team.toLowerCase() !== values.away_team.toLowerCase(), {
    error: "teamsSame",
    path: ["away_team"],
  });
export type CreateEventValues = z.infer<typeof createEventSchema>;
