/** The user's time-out or self-exclusion (auth: GET/POST /api/auth/responsible-gambling). */
import { useMutation, useQuery, useQueryClient } from "@tanstack/react-query";
import { api, newIdempotencyKey, unwrap } from "@/shared/api/client";
import { useSession } from "@/shared/session/session";
import type { Restriction } from "../model/restriction";
import { rgKeys } from "./keys";

export interface RestrictionOverview {
  restriction: Restriction | null;
  /** Every one taken, newest first. */
  history: Restriction[];
}

/** The restriction and its history; read only when signed in (shared by the page, the bet slip
 * and the deposit panel through one cache entry). */
export function useRestrictionOverview() {
  const { user } = useSession();
  return useQuery({
    queryKey: rgKeys.restriction,
    enabled: !!user,
    staleTime: 60_000,
    queryFn: async (): Promise<RestrictionOverview> =>
      unwrap(api.GET("/api/auth/responsible-gambling")),
  });
}

export type RestrictionRequest =
  { kind: "time_out"; days: number } | { kind: "self_exclusion"; months: number };

/** Take a time-out or self-exclude: one Idempotency-Key per confirmation (a retry takes nothing
 * twice). The bets and wallet views of the restriction are read again with it. */
export function useTakeRestriction() {
  const client = useQueryClient();
  return useMutation({
    mutationFn: async (request: RestrictionRequest): Promise<RestrictionOverview> => {
      const headers = { "Idempotency-Key": newIdempotencyKey() };
      return request.kind === "time_out"
        ? unwrap(
            api.POST("/api/auth/responsible-gambling/time-out", {
              body: { days: request.days },
              headers,
            }),
          )
        : unwrap(
            api.POST("/api/auth/responsible-gambling/self-exclusion", {
              body: { months: request.months },
              headers,
            }),
          );
    },
    onSuccess: (answer) => client.setQueryData(rgKeys.restriction, answer),
    onSettled: async () => {
      await Promise.all([
        client.invalidateQueries({ queryKey: rgKeys.restriction }),
        client.invalidateQueries({ queryKey: rgKeys.depositLimits }),
        client.invalidateQueries({ queryKey: rgKeys.lossLimits }),
      ]);
    },
  });
}
