/**
 * Money limits the forms check before asking the API (the API checks again and its refusal is
 * shown in words). Integer cents throughout.
 */
import type { components } from "@/shared/api/schema";
import { centsOf, type Cents } from "@/shared/format/money";

export const DEPOSIT_MIN: Cents = 100; // 1.00 (WALLET_DEPOSIT_MIN_MINOR)
export const DEPOSIT_MAX: Cents = 10_000_000; // 100 000.00

/** GET /api/wallet/withdrawal-limits: the wallet's settings and today's use, as the API says. */
export type WithdrawalLimitsAnswer = components["schemas"]["WithdrawalLimitsAnswer"];

export interface DailyLimit {
  limit: Cents;
  used: Cents;
  remaining: Cents;
}

export interface WithdrawalLimits {
  /** Per request. */
  min: Cents;
  max: Cents;
  /** Per UTC day: pending + completed withdrawals count as used (the API's own sum). */
  daily: DailyLimit;
}

/** The limits the API checks a withdrawal against, in cents. */
export function withdrawalLimits(answer: WithdrawalLimitsAnswer): WithdrawalLimits {
  const { limits } = answer;
  return {
    min: centsOf(limits.min),
    max: centsOf(limits.max),
    daily: usedToday(answer),
  };
}

/** Today's use of the daily limit, counted by the API (never re-summed here). */
export function usedToday(answer: WithdrawalLimitsAnswer): DailyLimit {
  const { limits } = answer;
  return {
    limit: centsOf(limits.daily_limit),
    used: centsOf(limits.used_today),
    remaining: Math.max(0, centsOf(limits.remaining)),
  };
}

/** The most one request may take now: the per-request max, today's rest, the balance. */
export function withdrawCeiling(limits: WithdrawalLimits, available: Cents): Cents {
  return Math.max(0, Math.min(limits.max, limits.daily.remaining, available));
}
