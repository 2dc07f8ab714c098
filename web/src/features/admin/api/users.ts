/** Users (auth's admin routes) and one user's wallet (wallet's read-only admin views). */
import { keepPreviousData, useMutation, useQuery, useQueryClient } from "@tanstack/react-query";
import type {
  AdminLimitChange,
  AdminRgData,
  LimitAnswerRow,
} from "@/features/responsible-gambling";
import { api, unwrap } from "@/shared/api/client";
import { adminKeys } from "./keys";
import type { Pagination, UserWallet, WalletHold, WalletTransaction } from "./types";

export interface UserFilters {
  q: string;
  page: number;
}

export function useUsers(filters: UserFilters) {
  return useQuery({
    queryKey: adminKeys.users(filters),
    queryFn: () =>
      unwrap(
        api.GET("/api/auth/admin/users", {
          params: { query: { q: filters.q.trim() || null, page: filters.page, page_size: 20 } },
        }),
      ),
    placeholderData: keepPreviousData,
  });
}

const userPath = (user_id: string) => ({ params: { path: { user_id } } });

export function useUser(userId: string) {
  return useQuery({
    queryKey: adminKeys.user(userId),
    queryFn: async () =>
      (await unwrap(api.GET("/api/auth/admin/users/{user_id}", userPath(userId)))).user,
  });
}

export function useUserAudit(userId: string) {
  return useQuery({
    queryKey: adminKeys.userAudit(userId),
    queryFn: async () =>
      (
        await unwrap(
          api.GET("/api/auth/admin/users/{user_id}/audit", {
            params: { path: { user_id: userId }, query: { limit: 50 } },
          }),
        )
      ).events,
  });
}

export function useUserWallet(userId: string) {
  return useQuery({
    queryKey: adminKeys.userWallet(userId),
    queryFn: async (): Promise<UserWallet> => {
      const answer: unknown = await unwrap(
        api.GET("/api/wallet/admin/users/{user_id}/wallet", userPath(userId)),
      );
      return answer as UserWallet;
    },
    retry: false,
  });
}

export function useUserHistory(userId: string) {
  return useQuery({
    queryKey: adminKeys.userHistory(userId),
    queryFn: async () => {
      const answer = await unwrap(
        api.GET("/api/wallet/admin/users/{user_id}/wallet/history", {
          params: { path: { user_id: userId }, query: { limit: 20 } },
        }),
      );
      return (answer as { transactions: WalletTransaction[] }).transactions;
    },
    retry: false,
  });
}

export function useUserHolds(userId: string) {
  return useQuery({
    queryKey: adminKeys.userHolds(userId),
    queryFn: async () => {
      const answer = await unwrap(
        api.GET("/api/wallet/admin/users/{user_id}/wallet/holds", {
          params: { path: { user_id: userId }, query: { limit: 20 } },
        }),
      );
      return answer as { holds: WalletHold[]; pagination: Pagination };
    },
    retry: false,
  });
}

export type UserAction =
  | { kind: "block"; reason: string }
  | { kind: "unblock" }
  | { kind: "role"; role: "user" | "admin" };

export function useUserAction(userId: string) {
  const client = useQueryClient();
  return useMutation({
    mutationFn: (action: UserAction) => {
      if (action.kind === "block") {
        return unwrap(
          api.POST("/api/auth/admin/users/{user_id}/block", {
            ...userPath(userId),
            body: { reason: action.reason },
          }),
        );
      }
      if (action.kind === "unblock") {
        return unwrap(api.POST("/api/auth/admin/users/{user_id}/unblock", userPath(userId)));
      }
      return unwrap(
        api.PUT("/api/auth/admin/users/{user_id}/role", {
          ...userPath(userId),
          body: { role: action.role },
        }),
      );
    },
    onSettled: () => {
      void client.invalidateQueries({ queryKey: adminKeys.user(userId) });
      void client.invalidateQueries({ queryKey: ["admin", "users"] });
    },
  });
}

interface WalletLimitChange {
  period: string;
  previous_amount: string | null;
  requested_amount: string | null;
  effective_at: string;
  created_at: string;
}

interface BetsLimitChange {
  period: string;
  old_amount: string | null;
  new_amount: string | null;
  effective_at: string;
  created_at: string;
}

/**
 * A user's responsible gambling, read only, from its three owners: the restriction (auth), the
 * deposit limits (wallet) and the loss limits (bets), with every limit change newest first. A
 * part that fails (a user without a wallet yet: 404) leaves the others shown.
 */
export function useUserResponsibleGambling(userId: string) {
  const restriction = useQuery({
    queryKey: [...adminKeys.user(userId), "responsible-gambling"],
    queryFn: () =>
      unwrap(api.GET("/api/auth/admin/users/{user_id}/responsible-gambling", userPath(userId))),
    retry: false,
  });
  const deposits = useQuery({
    queryKey: [...adminKeys.user(userId), "deposit-limits"],
    queryFn: async () => {
      const answer: unknown = await unwrap(
        api.GET("/api/wallet/admin/users/{user_id}/limits", userPath(userId)),
      );
      return answer as { deposit_limits: LimitAnswerRow[]; history: WalletLimitChange[] };
    },
    retry: false,
  });
  const losses = useQuery({
    queryKey: [...adminKeys.user(userId), "loss-limits"],
    queryFn: async () => {
      const answer: unknown = await unwrap(
        api.GET("/api/bets/admin/users/{user_id}/limits", userPath(userId)),
      );
      return answer as { limits: LimitAnswerRow[]; history: BetsLimitChange[] };
    },
    retry: false,
  });
  const changes: AdminLimitChange[] = [
    ...(deposits.data?.history ?? []).map((c) => ({
      kind: "deposit" as const,
      period: c.period,
      from: c.previous_amount,
      to: c.requested_amount,
      effective_at: c.effective_at,
      created_at: c.created_at,
    })),
    ...(losses.data?.history ?? []).map((c) => ({
      kind: "loss" as const,
      period: c.period,
      from: c.old_amount,
      to: c.new_amount,
      effective_at: c.effective_at,
      created_at: c.created_at,
    })),
  ].sort((a, b) => Date.parse(b.created_at) - Date.parse(a.created_at));
  const data: AdminRgData = {
    restriction: restriction.data,
    depositLimits: deposits.data?.deposit_limits,
    lossLimits: losses.data?.limits,
    changes,
  };
  return {
    data,
    isPending: restriction.isPending || deposits.isPending || losses.isPending,
    errors: [restriction.error, deposits.error, losses.error].filter(Boolean),
  };
}
