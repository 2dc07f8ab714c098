/** The money-out queue: withdrawals to approve or reject, destinations to verify (docs/wallet.md). */
import { useMutation, useQuery, useQueryClient } from "@tanstack/react-query";
import { api, newIdempotencyKey, unwrap } from "@/shared/api/client";
import { adminKeys } from "./keys";
import type { AdminWithdrawal, AdminWithdrawalMethod, Pagination, WithdrawalStatus } from "./types";

export function useWithdrawals(status: WithdrawalStatus | "") {
  return useQuery({
    queryKey: adminKeys.withdrawals(status),
    queryFn: async () => {
      const answer = await unwrap(
        api.GET("/api/wallet/admin/withdrawals", {
          params: { query: { status: status || null, limit: 100 } },
        }),
      );
      return answer as { withdrawals: AdminWithdrawal[]; pagination: Pagination };
    },
  });
}

export function useWithdrawalMethods(status: "unverified" | "verified") {
  return useQuery({
    queryKey: adminKeys.methods(status),
    queryFn: async () => {
      const answer = await unwrap(
        api.GET("/api/wallet/admin/withdrawal-methods", {
          params: { query: { status, limit: 100 } },
        }),
      );
      return answer as { methods: AdminWithdrawalMethod[]; pagination: Pagination };
    },
  });
}

function useInvalidateMoneyOut() {
  const client = useQueryClient();
  return () => {
    void client.invalidateQueries({ queryKey: ["admin", "withdrawals"] });
    void client.invalidateQueries({ queryKey: ["admin", "methods"] });
    void client.invalidateQueries({ queryKey: adminKeys.walletStats });
  };
}

/** The wallet's admin writes are idempotent: one key per click, so a retried request acts once. */
export function useApproveWithdrawal() {
  const invalidate = useInvalidateMoneyOut();
  return useMutation({
    mutationFn: async (operationId: string) => {
      const answer = await unwrap(
        api.POST("/api/wallet/admin/withdrawals/{operation_id}/approve", {
          params: { path: { operation_id: operationId } },
          headers: { "Idempotency-Key": newIdempotencyKey() },
        }),
      );
      return (answer as { withdrawal: AdminWithdrawal }).withdrawal;
    },
    onSettled: invalidate,
  });
}

export function useRejectWithdrawal() {
  const invalidate = useInvalidateMoneyOut();
  return useMutation({
    mutationFn: async ({ operationId, reason }: { operationId: string; reason: string }) => {
      const answer = await unwrap(
        api.POST("/api/wallet/admin/withdrawals/{operation_id}/reject", {
          params: { path: { operation_id: operationId } },
          body: { reason },
          headers: { "Idempotency-Key": newIdempotencyKey() },
        }),
      );
      return (answer as { withdrawal: AdminWithdrawal }).withdrawal;
    },
    onSettled: invalidate,
  });
}

export function useVerifyMethod() {
  const invalidate = useInvalidateMoneyOut();
  return useMutation({
    mutationFn: (methodId: string) =>
      unwrap(
        api.POST("/api/wallet/admin/withdrawal-methods/{method_id}/verify", {
          params: { path: { method_id: methodId } },
        }),
      ),
    onSettled: invalidate,
  });
}
