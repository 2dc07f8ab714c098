/** Which prices an event card shows, and whether a selection takes bets now. */
import { decimalText } from "@/shared/format/odds";
import type { Odd, SlipSelection, SportEvent } from "./types";

const MAIN_MARKETS = ["1x2", "winner"];
const ORDER = ["1", "X", "2"];

/** The card's 1 / X / 2 (or 1 / 2 for sports without draws), in that order. */
export function mainOdds(odds: readonly Odd[]): Odd[] {
  const type = MAIN_MARKETS.find((t) => odds.some((o) => o.market_type === t));
  return odds
    .filter((o) => o.market_type === type)
    .sort((a, b) => ORDER.indexOf(a.bet_type) - ORDER.indexOf(b.bet_type));
}

export type Availability = "open" | "suspended" | "closed";

/**
 * "suspended": the market or selection is paused (shown greyed with a lock); "closed": the event
 * no longer takes bets on it (finished, or live and the market not flagged for live betting).
 */
export function availability(event: Pick<SportEvent, "status">, odd: Odd): Availability {
  if (event.status !== "scheduled" && event.status !== "live") return "closed";
  if (odd.market_status === "closed") return "closed";
  if (odd.status === "suspended" || odd.market_status === "suspended") return "suspended";
  if (event.status === "live" && !odd.market_live_betting) return "closed";
  return "open";
}

export function toSelection(
  event: Pick<SportEvent, "event_id" | "event_name">,
  odd: Odd,
): SlipSelection {
  return {
    event_id: event.event_id,
    odds_id: odd.odds_id,
    event_name: event.event_name,
    market_type: odd.market_type,
    market: odd.market,
    line: odd.line ?? null,
    bet_type: odd.bet_type,
    price: decimalText(odd.coefficient),
  };
}

/** How many markets beyond the main one an event has ("+4"). */
export function extraMarkets(odds: readonly Odd[]): number {
  const markets = new Set(odds.map((o) => o.market_id));
  const main = new Set(mainOdds(odds).map((o) => o.market_id));
  return markets.size - main.size;
}
