/**
 * The user's display preferences: language, theme and odds format. Kept in localStorage so the
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
}

const KEY = "looseline.preferences";
const LANGUAGES: readonly Language[] = ["en", "ru"];
const THEMES: readonly Theme[] = ["system", "dark", "light"];
const FORMATS: readonly OddsFormat[] = ["decimal", "fractional", "american"];

function browserLanguage(): Language {
  return typeof navigator !== "undefined" && navigator.language.toLowerCase().startsWith("ru")
    ? "ru"
    : "en";
}

function pick<T extends string>(allowed: readonly T[], value: unknown, fallback: T): T {
  return allowed.includes(value as T) ? (value as T) : fallback;
}

/** Any object (stored JSON, the account's copy) made into valid preferences. */
export function normalise(raw: unknown, base?: Preferences): Preferences {
  const source = (raw && typeof raw === "object" ? raw : {}) as Record<string, unknown>;
  const fallback = base ?? { language: browserLanguage(), theme: "system", odds_format: "decimal" };
  return {
    language: pick(LANGUAGES, source.language, fallback.language),
    theme: pick(THEMES, source.theme, fallback.theme),
    odds_format: pick(FORMATS, source.odds_format, fallback.odds_format),
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
