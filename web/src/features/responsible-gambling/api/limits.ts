/** Deposit limits (GET/PUT /api/wallet/limits…) and loss limits (GET/PUT /api/bets/limits…). */
import { useMutation, useQuery, useQueryClient } from "@tanstack/react-query";
import { api, newIdempotencyKey, unwrap } from "@/shared/api/client";
import { toAmountString, type Cents } from "@/shared/format/money";
import {
  periodLimits,
  type LimitAnswerRow,
  type LimitKind,
  type LimitPeriod,
} from "../model/limits";
import { rgKeys } from "./keys";

const keyOf = (kind: LimitKind) => (kind === "deposit" ? rgKeys.depositLimits : rgKeys.lossLimits);

async function read(kind: LimitKind) {
  if (kind === "deposit") {
    const answer: unknown = await unwrap(api.GET("/api/wallet/limits"));
    return periodLimits((answer as { deposit_limits: LimitAnswerRow[] }).deposit_limits);
  }
  const answer: unknown = await unwrap(api.GET("/api/bets/limits"));
  return periodLimits((answer as { limits: LimitAnswerRow[] }).limits);
}

export function useLimits(kind: LimitKind) {
  return useQuery({ queryKey: keyOf(kind), queryFn: () => read(kind) });
}

export interface LimitRequest {
  period: LimitPeriod;
  /** null removes the period's limit (after the cooling-off). */
  amount: Cents | null;
}

/** Set, lower, raise or remove one period's limit; one Idempotency-Key per confirmation. */
export function useSetLimit(kind: LimitKind) {
  const client = useQueryClient();
  return useMutation({
    mutationFn: async ({ period, amount }: LimitRequest) => {
      const body = { period, amount: amount === null ? null : toAmountString(amount) };
      const headers = { "Idempotency-Key": newIdempotencyKey() };
      return kind === "deposit"
        ? unwrap(api.PUT("/api/wallet/limits/deposit", { body, headers }))
        : unwrap(api.PUT("/api/bets/limits/loss", { body, headers }));
    },
    onSettled: () => client.invalidateQueries({ queryKey: keyOf(kind) }),
  });
}
