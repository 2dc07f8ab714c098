/**
 * Statistics computed in the browser from the settled history, with the server's rules
 * (services/bets domain/stats.py): only bets settled won or lost count, in settlement order
 * (settled_at, then bet id); a streak is wins (positive) or losses (negative) in a row.
 */
import type { Cents } from "@/shared/format/money";
import { profitOf } from "./bets";
import type { Bet } from "./types";

export interface Streaks {
  current: number;
  longestWin: number;
  longestLoss: number;
}

export function streaks(results: readonly ("won" | "lost")[]): Streaks {
  let current = 0;
  let longestWin = 0;
  let longestLoss = 0;
  for (const result of results) {
    if (result === "won") {
      current = current > 0 ? current + 1 : 1;
      longestWin = Math.max(longestWin, current);
    } else {
      current = current < 0 ? current - 1 : -1;
      longestLoss = Math.max(longestLoss, -current);
    }
  }
  return { current, longestWin, longestLoss };
}

type Decided = Bet & { status: "won" | "lost" };

function decided(bet: Bet): bet is Decided {
  return bet.status === "won" || bet.status === "lost";
}

/** Won and lost bets, oldest settlement first (the order streaks and the curve follow). */
export function settledInOrder(bets: readonly Bet[]): Decided[] {
  const time = (bet: Bet) => Date.parse(bet.settled_at ?? bet.created_at);
  return bets
    .filter(decided)
    .sort((a, b) => time(a) - time(b) || (a.bet_id < b.bet_id ? -1 : a.bet_id > b.bet_id ? 1 : 0));
}

export function streaksOf(bets: readonly Bet[]): Streaks {
  return streaks(settledInOrder(bets).map((bet) => bet.status));
}

export interface ProfitPoint {
  /** ISO time the bet was settled. */
  at: string;
  betId: string;
  /** This bet's net result and the running total, in cents. */
  profit: Cents;
  cumulative: Cents;
}

/** The profit curve: one point per won/lost bet, the running sum of payout − stake (a free
 * bet's: its winnings, or nothing lost). */
export function cumulativeProfit(bets: readonly Bet[]): ProfitPoint[] {
  let total = 0;
  return settledInOrder(bets).map((bet) => {
    const profit = profitOf(bet) ?? 0;
    total += profit;
    return { at: bet.settled_at ?? bet.created_at, betId: bet.bet_id, profit, cumulative: total };
  });
}

/** A coupon whose legs are on different sports is counted once, under this key. */
export const MIXED = "mixed";
export const UNKNOWN = "unknown";

export interface SportResults {
  sport: string;
  won: number;
  lost: number;
  void: number;
  profit: Cents;
}

/** Settled bets (won, lost, void) per sport, the sport with most bets first. */
export function resultsBySport(
  bets: readonly Bet[],
  sportOf: (eventId: string) => string | undefined,
): SportResults[] {
  const rows = new Map<string, SportResults>();
  for (const bet of bets) {
    if (bet.status !== "won" && bet.status !== "lost" && bet.status !== "void") continue;
    const sports = new Set(bet.legs.map((leg) => sportOf(leg.event_id) ?? UNKNOWN));
    const [only] = sports;
    const sport = sports.size === 1 && only ? only : sports.size > 1 ? MIXED : UNKNOWN;
    const row = rows.get(sport) ?? { sport, won: 0, lost: 0, void: 0, profit: 0 };
    row[bet.status] += 1;
    // A void bet's stake came back (or its unit did): it adds nothing to the profit.
    if (bet.status !== "void") row.profit += profitOf(bet) ?? 0;
    rows.set(sport, row);
  }
  const total = (row: SportResults) => row.won + row.lost + row.void;
  return [...rows.values()].sort((a, b) => total(b) - total(a) || a.sport.localeCompare(b.sport));
}
