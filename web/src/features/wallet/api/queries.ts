/** The wallet's reads: query keys start with ["wallet"] (the live stream invalidates them). */
import { keepPreviousData, useQuery } from "@tanstack/react-query";
import { api, unwrap } from "@/shared/api/client";
import type {
  Balance,
  DepositAnswer,
  HistoryAnswer,
  SavedCard,
  Statement,
  Withdrawal,
  WithdrawalMethod,
} from "../model/types";

export const walletKeys = {
  all: ["wallet"] as const,
  balance: ["wallet", "balance"] as const,
  history: (filters: HistoryFilters) => ["wallet", "history", filters] as const,
  cards: ["wallet", "cards"] as const,
  methods: ["wallet", "withdrawal-methods"] as const,
  withdrawals: ["wallet", "withdrawals"] as const,
  // Under ["wallet"]: a withdrawal, a cancel and the live stream's wallet events refresh it.
  withdrawalLimits: ["wallet", "withdrawal-limits"] as const,
  statements: ["wallet", "statements"] as const,
  deposit: (id: string) => ["wallet", "deposit", id] as const,
};

export function useBalance(enabled = true) {
  return useQuery({
    queryKey: walletKeys.balance,
    queryFn: async () => {
      const answer: unknown = await unwrap(api.GET("/api/wallet/balance"));
      return (answer as { balance: Balance }).balance;
    },
    enabled,
  });
}

export type HistoryType = "deposit" | "withdrawal" | "bet_placed" | "bet_won" | "refund";
export type HistoryStatus = "completed" | "pending" | "failed" | "rejected" | "cancelled";

export interface HistoryFilters {
  type: HistoryType | "";
  status: HistoryStatus | "";
  dateFrom: string;
  dateTo: string;
  page: number;
}

export const PAGE_SIZE = 20;

export function useHistory(filters: HistoryFilters) {
  return useQuery({
    queryKey: walletKeys.history(filters),
    queryFn: async () => {
      const answer: unknown = await unwrap(
        api.GET("/api/wallet/history", {
          params: {
            query: {
              limit: PAGE_SIZE,
              offset: (filters.page - 1) * PAGE_SIZE,
              type: filters.type || undefined,
              status: filters.status || undefined,
              date_from: filters.dateFrom || undefined,
              date_to: filters.dateTo || undefined,
            },
          },
        }),
      );
      return answer as HistoryAnswer;
    },
    placeholderData: keepPreviousData,
  });
}

export function useSavedCards() {
  return useQuery({
    queryKey: walletKeys.cards,
    queryFn: async () => {
      const answer: unknown = await unwrap(api.GET("/api/wallet/payment-methods"));
      return (answer as { methods: SavedCard[] }).methods;
    },
  });
}

export function useWithdrawalMethods() {
  return useQuery({
    queryKey: walletKeys.methods,
    queryFn: async () => {
      const answer: unknown = await unwrap(api.GET("/api/wallet/withdrawal-methods"));
      return (answer as { methods: WithdrawalMethod[] }).methods;
    },
  });
}

export function useWithdrawals() {
  return useQuery({
    queryKey: walletKeys.withdrawals,
    queryFn: async () => {
      const answer: unknown = await unwrap(
        api.GET("/api/wallet/withdrawals", { params: { query: { limit: 100 } } }),
      );
      return (answer as { withdrawals: Withdrawal[] }).withdrawals;
    },
  });
}

/** The withdrawal limits and today's use of the daily one, as the API counts them. */
export function useWithdrawalLimits() {
  return useQuery({
    queryKey: walletKeys.withdrawalLimits,
    queryFn: () => unwrap(api.GET("/api/wallet/withdrawal-limits")),
  });
}

export function useStatements() {
  return useQuery({
    queryKey: walletKeys.statements,
    queryFn: async () => {
      const answer: unknown = await unwrap(
        api.GET("/api/wallet/statements", { params: { query: { limit: 24 } } }),
      );
      return (answer as { statements: Statement[] }).statements;
    },
  });
}

/** A deposit's state, polled every 2 s until it is no longer pending (the API re-checks Stripe). */
export function useDepositStatus(id: string | null) {
  return useQuery({
    queryKey: walletKeys.deposit(id ?? ""),
    queryFn: async () => {
      const answer: unknown = await unwrap(
        api.GET("/api/wallet/deposits/{intent_id}", {
          params: { path: { intent_id: id ?? "" } },
        }),
      );
      return answer as DepositAnswer;
    },
    enabled: Boolean(id),
    refetchInterval: (query) => (query.state.data?.deposit.status === "pending" ? 2_000 : false),
  });
}
