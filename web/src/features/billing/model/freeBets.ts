/**
 * The free bets a user can stake now, as the bet slip offers them: one choice per distinct stake
 * (a free bet's stake must equal the bet's, docs/wallet.md § free bets), with the units left at
 * that stake and the earliest expiry among them (the unit the wallet spends first). Stakes are
 * compared in cents: "5.00" and "5.0" are one stake.
 */
import { centsOf, toAmountString, type Cents } from "@/shared/format/money";
import { isLive, type HeldPurchase } from "./packages";

export interface FreeBetPurchase extends HeldPurchase {
  package_id: string;
  kind: "units" | "free_bet";
  /** The unit's stake, when the purchase carries it (else the package's, from the catalogue). */
  stake?: string | null;
}

export interface FreeBetChoice {
  /** The stake as the API writes amounts ("5.00"): what the slip sends as bet_amount. */
  stake: string;
  cents: Cents;
  units: number;
  /** The earliest expiry of these units (ISO 8601). */
  expiresAt: string;
}

/** Live free-bet units per stake, the smallest stake first; a purchase whose stake is unknown
 * (neither on it nor in `stakeOfPackage`) is left out rather than guessed. */
export function freeBetChoices(
  purchases: readonly FreeBetPurchase[],
  now: number,
  stakeOfPackage: (packageId: string) => string | null | undefined = () => null,
): FreeBetChoice[] {
  const byStake = new Map<Cents, FreeBetChoice>();
  for (const purchase of purchases) {
    if (purchase.kind !== "free_bet" || !isLive(purchase, now)) continue;
    const stake = purchase.stake ?? stakeOfPackage(purchase.package_id);
    if (!stake) continue;
    const cents = centsOf(stake);
    const known = byStake.get(cents);
    if (!known) {
      byStake.set(cents, {
        stake: toAmountString(cents),
        cents,
        units: purchase.units_left,
        expiresAt: purchase.expires_at,
      });
      continue;
    }
    known.units += purchase.units_left;
    if (Date.parse(purchase.expires_at) < Date.parse(known.expiresAt)) {
      known.expiresAt = purchase.expires_at;
    }
  }
  return [...byStake.values()].sort((a, b) => a.cents - b.cents);
}
