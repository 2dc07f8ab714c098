/**
 * Placing what the slip holds: singles (one POST /api/bets/place per selection) or one coupon
 * (POST /api/bets/place-coupon). Each request carries an Idempotency-Key made for its body and
 * reused while the same body is retried (a lost answer, a 5xx), so a double press or a retry
 * never places twice; a changed body (a new stake, an accepted price) gets a new key. A free bet
 * says `use_free_bet: true`; its stake is the unit's. Every billing query (the free bets left
 * among them) sits under ["wallet"], which placing invalidates.
 */
import { useMutation, useQueryClient } from "@tanstack/react-query";
import { useRef } from "react";
import { api, newIdempotencyKey } from "@/shared/api/client";
import { ApiError, errorFromBody, isApiError } from "@/shared/api/errors";
import { toAmountString, type Cents } from "@/shared/format/money";
import type { OddsPolicy, SlipSelection } from "../model/slip";

export interface PlacedBet {
  bet_id: string;
  bet_type: "single" | "coupon";
  status: "pending" | "open" | "rejected" | "won" | "lost" | "void" | "cancelled";
  reason: string | null;
  bet_amount: string;
  coefficient: string;
  potential_win: string;
  /** Staked with a free-bet unit: a win pays only potential_win − bet_amount. */
  free_bet?: boolean;
  legs?: { odds_id: string; event_name: string; selection: string; coefficient: string }[];
}

interface RequestCommon {
  stake: Cents;
  policy: OddsPolicy;
  /** Staked with a free-bet unit of this stake. */
  freeBet?: boolean;
}

export type PlacementRequest =
  | ({ kind: "single"; selection: SlipSelection } & RequestCommon)
  | ({ kind: "coupon"; legs: SlipSelection[] } & RequestCommon);

/**
 * One request's outcome: the bet (open or pending; rejected by the saga comes with its error)
 * or a refusal (no bet).
 */
export interface PlacementOutcome {
  request: PlacementRequest;
  bet: PlacedBet | null;
  error: ApiError | null;
}

export function requestBody(request: PlacementRequest) {
  const common = {
    bet_amount: toAmountString(request.stake),
    accept_odds_change: request.policy,
    ...(request.freeBet ? { use_free_bet: true } : {}),
  };
  if (request.kind === "single") {
    const s = request.selection;
    return {
      ...common,
      bet_type: "single" as const,
      event_id: s.event_id,
      odds_id: s.odds_id,
      expected_coefficient: s.price,
    };
  }
  return {
    ...common,
    bets: request.legs.map((s) => ({
      event_id: s.event_id,
      odds_id: s.odds_id,
      expected_coefficient: s.price,
    })),
  };
}

async function send(request: PlacementRequest, key: string): Promise<PlacementOutcome> {
  const headers = { "Idempotency-Key": key };
  const body = requestBody(request);
  const answer =
    request.kind === "single"
      ? await api.POST("/api/bets/place", { body: body as never, headers })
      : await api.POST("/api/bets/place-coupon", { body: body as never, headers });
  const { response, data } = answer;
  if (response.ok) return { request, bet: (data as { bet: PlacedBet }).bet, error: null };
  // openapi-fetch has already read the body: build the error from its parsed `error`.
  const error = errorFromBody(response, answer.error);
  // A bet the saga rejected (no funds, event started) is a 409 carrying the bet itself.
  const bet = (error.details as { bet?: PlacedBet } | null)?.bet;
  if (bet?.bet_id) return { request, bet, error };
  return { request, bet: null, error };
}

/** Worth retrying with the same key: the answer was lost or the server failed. */
function unsure(outcome: PlacementOutcome): boolean {
  const error = outcome.error;
  return !!error && !outcome.bet && (error.status === 0 || error.status >= 500);
}

export function usePlaceBets() {
  const client = useQueryClient();
  const keys = useRef(new Map<string, string>());
  return useMutation({
    mutationFn: async (requests: PlacementRequest[]): Promise<PlacementOutcome[]> => {
      const outcomes = await Promise.all(
        requests.map(async (request) => {
          const fingerprint = JSON.stringify([request.kind, requestBody(request)]);
          const key = keys.current.get(fingerprint) ?? newIdempotencyKey();
          keys.current.set(fingerprint, key);
          let outcome: PlacementOutcome;
          try {
            outcome = await send(request, key);
          } catch (error) {
            outcome = { request, bet: null, error: isApiError(error) ? error : ApiError.offline() };
          }
          if (!unsure(outcome)) keys.current.delete(fingerprint);
          return outcome;
        }),
      );
      return outcomes;
    },
    onSettled: () => {
      void client.invalidateQueries({ queryKey: ["wallet"] });
      void client.invalidateQueries({ queryKey: ["bets"] });
    },
  });
}
