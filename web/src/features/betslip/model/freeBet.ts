/**
 * A free bet in the slip (issue 22). Its stake is a unit of the user's free-bet packages, not
 * their money, so it is fixed at the unit's amount and a win pays only the winnings: payout −
 * stake (docs/wallet.md § free bets). Singles take one unit each, a coupon one unit.
 */
import type { Cents } from "@/shared/format/money";
import { potentialWinCents } from "./payout";
import type { SlipMode } from "./slip";

/** What a free bet would bring if it won: the potential win less the stake (never below 0). */
export function freeBetWinningsCents(stakeCents: Cents, legs: readonly string[]): Cents {
  return Math.max(potentialWinCents(stakeCents, legs) - stakeCents, 0);
}

/** Units one press of "place" spends: one per single, one for a coupon. */
export function unitsNeeded(mode: SlipMode, selections: number): number {
  if (selections === 0) return 0;
  return mode === "coupon" ? 1 : selections;
}

/** The chosen stake among those the user holds, or null (none chosen, or no longer held). */
export function chosenFreeBet<T extends { stake: string }>(
  choices: readonly T[],
  chosen: string | null,
): T | null {
  return chosen === null ? null : (choices.find((c) => c.stake === chosen) ?? null);
}
