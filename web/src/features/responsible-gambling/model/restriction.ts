/**
 * Time-out and self-exclusion (auth's, issue 23): a time-out lasts 1 to 42 days, a
 * self-exclusion 6 to 60 calendar months. Neither is ever lifted or shortened: a new one must
 * end no earlier than the one in force (else 409 auth.restriction_shorter). While one runs, no
 * bet is placed, no money comes in and no marketing is sent; open bets settle and withdrawals
 * stay possible.
 */
export type RestrictionKind = "time_out" | "self_exclusion";

export interface Restriction {
  kind: RestrictionKind;
  until: string;
  created_at?: string;
}

export const TIME_OUT_DAYS = { min: 1, max: 42 } as const;
/** The offered lengths: 24 hours, 7 days, 30 days, 6 weeks (and any number of days). */
export const TIME_OUT_PRESETS: readonly number[] = [1, 7, 30, 42];
/** 6 months, 1, 2 and 5 years. */
export const SELF_EXCLUSION_MONTHS: readonly number[] = [6, 12, 24, 60];

const DAY_MS = 24 * 3600 * 1000;

export function timeOutEnd(now: number, days: number): Date {
  return new Date(now + days * DAY_MS);
}

/** `now` plus calendar months, the day clamped to the month's last (as auth computes it:
 * 31 August + 6 months is 28 or 29 February). */
export function selfExclusionEnd(now: number, months: number): Date {
  const start = new Date(now);
  const index = start.getUTCMonth() + months;
  const year = start.getUTCFullYear() + Math.floor(index / 12);
  const month = index % 12;
  const lastDay = new Date(Date.UTC(year, month + 1, 0)).getUTCDate();
  const end = new Date(start);
  end.setUTCFullYear(year, month, Math.min(start.getUTCDate(), lastDay));
  return end;
}

/** The time-out's choice: one of the presets, or a number of days typed in. */
export type TimeOutChoice = { preset: number } | { custom: string };

export type DaysProblem = "required" | "whole" | "range";

/** The days a choice means, or why the typed number is not a time-out's. */
export function timeOutDays(choice: TimeOutChoice): { days: number } | { problem: DaysProblem } {
  if ("preset" in choice) return { days: choice.preset };
  const text = choice.custom.trim();
  if (!text) return { problem: "required" };
  if (!/^\d+$/.test(text)) return { problem: "whole" };
  const days = Number(text);
  return days < TIME_OUT_DAYS.min || days > TIME_OUT_DAYS.max ? { problem: "range" } : { days };
}

/** The restriction, if it still runs at `now`. */
export function inForce(restriction: Restriction | null, now: number): Restriction | null {
  return restriction && Date.parse(restriction.until) > now ? restriction : null;
}

/** A new one ending before the one in force would shorten it: auth refuses that. */
export function endsTooSoon(current: Restriction | null, until: Date): boolean {
  return current !== null && until.getTime() < Date.parse(current.until);
}
