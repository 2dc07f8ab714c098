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
 * A free bet's stake was a package's unit, not the user's money: open, it would win the
 * winnings; won, it paid them (payout − stake); lost, the unit is spent; void or cancelled, the
 * unit is back.
 */
export type MoneyLine =
  | { kind: "potential"; cents: Cents }
  | { kind: "payout"; cents: Cents }
  | { kind: "loss"; cents: Cents }
  | { kind: "refund"; cents: Cents }
  | { kind: "winnings"; cents: Cents }
  | { kind: "toWin"; cents: Cents }
  | { kind: "unitSpent" }
  | { kind: "unitBack" }
  | { kind: "none" };

/** What a free bet paid or would pay: the payout less the stake, never below 0. */
export function winningsOf(payout: string, stake: string): Cents {
  return Math.max(centsOf(payout) - centsOf(stake), 0);
}

function freeBetLine(bet: Bet): MoneyLine {
  switch (bet.status) {
    case "open":
    case "pending":
      return { kind: "toWin", cents: winningsOf(bet.potential_win, bet.bet_amount) };
    case "won":
      return {
        kind: "winnings",
        cents: winningsOf(bet.payout ?? bet.potential_win, bet.bet_amount),
      };
    case "lost":
      return { kind: "unitSpent" };
    case "void":
    case "cancelled":
      return { kind: "unitBack" };
    default:
      return { kind: "none" };
  }
}

export function moneyLine(bet: Bet): MoneyLine {
  if (bet.free_bet) return freeBetLine(bet);
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

/**
 * Net result of a settled bet in cents (payout − stake); null while it is not settled. A free
 * bet risked none of the user's money: won, its winnings; lost or void, nothing.
 */
export function profitOf(bet: Bet): Cents | null {
  if (bet.free_bet) {
    if (bet.status === "won") return winningsOf(bet.payout ?? "0", bet.bet_amount);
    return bet.status === "lost" || bet.status === "void" ? 0 : null;
  }
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
