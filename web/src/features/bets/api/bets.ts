/** Query and mutation hooks over the bets API. Keys start with "bets" (the live stream
 * invalidates ["bets"] whenever one of the user's bets changes). */
import { keepPreviousData, useMutation, useQuery, useQueryClient } from "@tanstack/react-query";
import { api, unwrap } from "@/shared/api/client";
import type { HistoryQuery } from "../model/filters";
import type { Bet, BetStats, HistoryAnswer } from "../model/types";

export const betKeys = {
  all: ["bets"] as const,
  history: (query: HistoryQuery) => ["bets", "history", query] as const,
  detail: (betId: string) => ["bets", "detail", betId] as const,
  stats: ["bets", "stats"] as const,
  settled: ["bets", "settled"] as const,
};

export async function fetchHistory(query: HistoryQuery): Promise<HistoryAnswer> {
  const body = await unwrap(api.GET("/api/bets/history", { params: { query } }));
  return body as unknown as HistoryAnswer;
}

export function useBetHistory(query: HistoryQuery) {
  return useQuery({
    queryKey: betKeys.history(query),
    queryFn: () => fetchHistory(query),
    // The old page stays on screen (dimmed) while the next one loads: no jump to a skeleton.
    placeholderData: keepPreviousData,
  });
}

export function useBet(betId: string) {
  return useQuery({
    queryKey: betKeys.detail(betId),
    queryFn: async () => {
      const body = await unwrap(
        api.GET("/api/bets/{bet_id}", { params: { path: { bet_id: betId } } }),
      );
      return (body as unknown as { bet: Bet }).bet;
    },
  });
}

export function useBetStats() {
  return useQuery({
    queryKey: betKeys.stats,
    queryFn: async () => {
      const body = await unwrap(api.GET("/api/bets/stats"));
      return (body as unknown as { stats: BetStats }).stats;
    },
  });
}

export function useCancelBet() {
  const client = useQueryClient();
  return useMutation({
    mutationFn: async (betId: string) => {
      const body = await unwrap(
        api.POST("/api/bets/{bet_id}/cancel", { params: { path: { bet_id: betId } } }),
      );
      return (body as unknown as { bet: Bet }).bet;
    },
    onSuccess: (bet) => {
      client.setQueryData(betKeys.detail(bet.bet_id), bet);
      void client.invalidateQueries({ queryKey: betKeys.all });
      // The stake goes back to the available balance.
      void client.invalidateQueries({ queryKey: ["wallet"] });
    },
  });
}
