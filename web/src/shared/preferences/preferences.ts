/**
 * The user's display preferences: language, theme, odds format and the reality-check interval
 * (minutes between the live stream's reality checks, or null: off). Kept in localStorage so the
 * first paint is already right; the profile feature also saves them on the user's account and
 * applies the account's copy after sign-in (`preferences.apply`).
 */
import { useSyncExternalStore } from "react";

export type Language = "en" | "ru";
export type Theme = "system" | "dark" | "light";
export type OddsFormat = "decimal" | "fractional" | "american";

export interface Preferences {
  language: Language;
  theme: Theme;
  odds_format: OddsFormat;
  /** Minutes between reality checks (auth accepts 10..240), or null: none. */
  reality_check_minutes: number | null;
}

/** The reality-check intervals auth accepts, in minutes. */
export const REALITY_CHECK_RANGE = { min: 10, max: 240 } as const;

const KEY = "looseline.preferences";
const LANGUAGES: readonly Language[] = ["en", "ru"];
const THEMES: readonly Theme[] = ["system", "dark", "light"];
const FORMATS: readonly OddsFormat[] = ["decimal", "fractional", "american"];

function browserLanguage(): Language {
  return typeof navigator !== "undefined" && navigator.language.toLowerCase().startsWith("ru")
    ? "ru"
    : "en";
}

function realityCheck(value: unknown, fallback: number | null): number | null {
  if (value === null) return null;
  const { min, max } = REALITY_CHECK_RANGE;
  return typeof value === "number" && Number.isInteger(value) && value >= min && value <= max
    ? value
    : fallback;
}

function pick<T extends string>(allowed: readonly T[], value: unknown, fallback: T): T {
  return allowed.includes(value as T) ? (value as T) : fallback;
}

/** Any object (stored JSON, the account's copy) made into valid preferences. */
export function normalise(raw: unknown, base?: Preferences): Preferences {
  const source = (raw && typeof raw === "object" ? raw : {}) as Record<string, unknown>;
  const fallback = base ?? {
    language: browserLanguage(),
    theme: "system",
    odds_format: "decimal",
    reality_check_minutes: null,
  };
  return {
    language: pick(LANGUAGES, source.language, fallback.language),
    theme: pick(THEMES, source.theme, fallback.theme),
    odds_format: pick(FORMATS, source.odds_format, fallback.odds_format),
    reality_check_minutes: realityCheck(
      source.reality_check_minutes,
      fallback.reality_check_minutes,
    ),
  };
}

function load(): Preferences {
  try {
    return normalise(JSON.parse(localStorage.getItem(KEY) ?? "null"));
  } catch {
    return normalise(null);
  }
}

let current: Preferences = load();
const listeners = new Set<() => void>();

export const preferences = {
  get: (): Preferences => current,
  subscribe(listener: () => void): () => void {
    listeners.add(listener);
    return () => listeners.delete(listener);
  },
  apply(changes: Partial<Preferences>): void {
    current = normalise({ ...current, ...changes }, current);
    localStorage.setItem(KEY, JSON.stringify(current));
    listeners.forEach((listener) => listener());
  },
};

export function usePreferences(): Preferences {
  return useSyncExternalStore(preferences.subscribe, preferences.get, preferences.get);
}
