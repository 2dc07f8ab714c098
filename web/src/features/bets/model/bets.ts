/** How one bet reads in the history: its badge, its money column, and what it made or lost. */
import { centsOf, type Cents } from "@/shared/format/money";
import type { Bet, BetStatus } from "./types";

export type BadgeTone = "won" | "lost" | "open" | "neutral";

export function badgeTone(status: BetStatus): BadgeTone {
  if (status === "won") return "won";
  if (status === "lost" || status === "rejected") return "lost";
  if (status === "open" || status === "pending") return "open";
  return "neutral";
}

/**
 * The money column: an open bet shows what it would pay, a won bet its payout, a lost bet the
 * stake it lost, a void or cancelled bet the stake returned; a rejected bet never took money.
 */
export type MoneyLine =
  | { kind: "potential"; cents: Cents }
  | { kind: "payout"; cents: Cents }
  | { kind: "loss"; cents: Cents }
  | { kind: "refund"; cents: Cents }
  | { kind: "none" };

export function moneyLine(bet: Bet): MoneyLine {
  const stake = centsOf(bet.bet_amount);
  switch (bet.status) {
    case "open":
    case "pending":
      return { kind: "potential", cents: centsOf(bet.potential_win) };
    case "won":
      return { kind: "payout", cents: centsOf(bet.payout ?? bet.potential_win) };
    case "lost":
      return { kind: "loss", cents: -stake };
    case "void":
      return { kind: "refund", cents: bet.payout === null ? stake : centsOf(bet.payout) };
    case "cancelled":
      return { kind: "refund", cents: stake };
    default:
      return { kind: "none" };
  }
}

/** Net result of a settled bet in cents (payout − stake); null while it is not settled. */
export function profitOf(bet: Bet): Cents | null {
  const stake = centsOf(bet.bet_amount);
  if (bet.status === "won") return centsOf(bet.payout ?? "0") - stake;
  if (bet.status === "lost") return -stake;
  if (bet.status === "void") return centsOf(bet.payout ?? bet.bet_amount) - stake;
  return null;
}

/** Only an open bet may be cancelled; the server still decides (its events must not have started). */
export function mayCancel(bet: Bet): boolean {
  return bet.status === "open";
}
