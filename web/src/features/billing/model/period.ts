/**
 * A plan's billing period in words: the API gives whole seconds (`period_seconds`, one hour by
 * default, any length ≥ 60 s); the page says "per hour", "per 2 days", "per 90 minutes".
 */
export type PeriodUnit = "week" | "day" | "hour" | "minute" | "second";

const UNITS: [PeriodUnit, number][] = [
  ["week", 7 * 24 * 3600],
  ["day", 24 * 3600],
  ["hour", 3600],
  ["minute", 60],
  ["second", 1],
];

export interface PeriodParts {
  unit: PeriodUnit;
  count: number;
}

/** The largest unit the period is a whole number of: 3600 → 1 hour, 5400 → 90 minutes. */
export function periodParts(seconds: number): PeriodParts {
  const whole = Math.max(1, Math.round(seconds));
  for (const [unit, size] of UNITS) {
    if (whole % size === 0) return { unit, count: whole / size };
  }
  return { unit: "second", count: whole };
}
