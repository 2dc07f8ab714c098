import { useQueries, useQuery } from "@tanstack/react-query";
import { api, unwrap } from "@/shared/api/client";
import { adminKeys } from "./keys";
import type { BetsAdminStats, WalletAdminStats } from "./types";

async function betsStats(range: { from?: string; to?: string }, limit = 50) {
  const answer = await unwrap(
    api.GET("/api/bets/admin/stats", {
      params: { query: { date_from: range.from ?? null, date_to: range.to ?? null, limit } },
    }),
  );
  return (answer as { stats: BetsAdminStats }).stats;
}

export function useBetsStats() {
  return useQuery({ queryKey: adminKeys.betsStats({}), queryFn: () => betsStats({}) });
}

/** One stats call per day of the chart: the API has totals per range, not a series. */
export function useDailyBetsStats(days: { from: string; to: string }[]) {
  return useQueries({
    queries: days.map((day) => ({
      queryKey: adminKeys.betsStats(day),
      queryFn: () => betsStats(day, 1),
      staleTime: 60_000,
    })),
  });
}

/** Open liabilities of every selection (the API's largest 500; filtered per event on the page). */
export function useLiabilities() {
  return useQuery({
    queryKey: adminKeys.liabilities,
    queryFn: async () => (await betsStats({}, 500)).open_liabilities,
    refetchInterval: 15_000,
  });
}

export function useWalletStats() {
  return useQuery({
    queryKey: adminKeys.walletStats,
    queryFn: async () => {
      const answer = await unwrap(api.GET("/api/wallet/admin/stats"));
      return (answer as { stats: WalletAdminStats }).stats;
    },
  });
}
