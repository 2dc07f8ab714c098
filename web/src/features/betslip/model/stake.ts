/**
 * Stake validation. The bets service states its limits in docs/bets.md ("Placement rules") and
 * in BetLimits (services/bets/src/bets/domain/limits.py): stake 1.00 – 10 000.00, potential
 * payout ≤ 100 000.00, 2–15 coupon legs. The API has no endpoint that returns them, so the
 * defaults are here; a refusal carries the server's own figure (details.min_stake / max_stake /
 * max_payout), which the slip then shows instead.
 */
import { parseAmount, type Cents } from "@/shared/format/money";

export interface StakeLimits {
  minStake: Cents;
  maxStake: Cents;
  maxPayout: Cents;
}

export const DEFAULT_LIMITS: StakeLimits = {
  minStake: 100,
  maxStake: 1_000_000,
  maxPayout: 10_000_000,
};

export type StakeProblem = "required" | "format" | "min" | "max" | "payout";

// A plain pattern, not a zod schema: the slip is on every page, and zod (~20 kB gzipped) is
// left to the lazy form pages.
const STAKE_TEXT = /^\d{1,12}(?:[.,]\d{1,2})?$/;

/** The stake in cents, or what is wrong with it (money: at most two decimals). */
export function checkStake(
  text: string,
  limits: StakeLimits,
  potentialWin: (cents: Cents) => Cents,
): { cents: Cents; problem: null } | { cents: null; problem: StakeProblem } {
  const trimmed = text.trim();
  if (trimmed === "") return { cents: null, problem: "required" };
  if (!STAKE_TEXT.test(trimmed)) return { cents: null, problem: "format" };
  const cents = parseAmount(trimmed);
  if (cents === null || cents === 0) return { cents: null, problem: "format" };
  if (cents < limits.minStake) return { cents: null, problem: "min" };
  if (cents > limits.maxStake) return { cents: null, problem: "max" };
  if (potentialWin(cents) > limits.maxPayout) return { cents: null, problem: "payout" };
  return { cents, problem: null };
}
