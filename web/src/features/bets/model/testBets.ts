/** Bets for tests: only what the maths reads is varied. */
import type { Bet, BetStatus } from "./types";

export function bet(
  id: string,
  status: BetStatus,
  stake: string,
  payout: string | null,
  settledAt: string | null,
  eventIds: string[] = [`event-${id}`],
): Bet {
  return {
    bet_id: id,
    bet_type: eventIds.length > 1 ? "coupon" : "single",
    status,
    bet_amount: stake,
    currency: "USD",
    coefficient: "2.00",
    potential_win: "0.00",
    reason: null,
    result: null,
    payout,
    created_at: "2026-12-01T10:00:00+00:00",
    decided_at: null,
    settled_at: settledAt,
    legs: eventIds.map((event_id) => ({
      event_id,
      odds_id: `${event_id}-odds`,
      event_name: event_id,
      market: "1X2",
      selection: "1",
      coefficient: "2.00",
      result: null,
    })),
  };
}
