/** The wallet's money-moving calls: each carries an Idempotency-Key (one per attempt). */
import { useMutation, useQueryClient } from "@tanstack/react-query";
import { api, newIdempotencyKey, unwrap } from "@/shared/api/client";
import { toAmountString, type Cents } from "@/shared/format/money";
import type {
  CheckoutAnswer,
  PaymentForm,
  SavedCardAnswer,
  WithdrawalMethod,
} from "../model/types";
import { walletKeys } from "./queries";

const keyed = () => ({ headers: { "Idempotency-Key": newIdempotencyKey() } });

function useInvalidateWallet() {
  const client = useQueryClient();
  return () => client.invalidateQueries({ queryKey: walletKeys.all });
}

export function useStartCardDeposit() {
  return useMutation({
    mutationFn: async (input: { cents: Cents; save: boolean }) => {
      const answer: unknown = await unwrap(
        api.POST("/api/wallet/deposit", {
          body: { amount: toAmountString(input.cents), save_method: input.save },
          ...keyed(),
        }),
      );
      return answer as PaymentForm;
    },
  });
}

export function useSavedCardDeposit() {
  const invalidate = useInvalidateWallet();
  return useMutation({
    mutationFn: async (input: { cents: Cents; methodId: string }) => {
      const answer: unknown = await unwrap(
        api.POST("/api/wallet/deposit", {
          body: {
            amount: toAmountString(input.cents),
            payment_method_id: input.methodId,
            save_method: false,
          },
          ...keyed(),
        }),
      );
      return answer as SavedCardAnswer;
    },
    onSettled: invalidate,
  });
}

export function useCheckout() {
  return useMutation({
    mutationFn: async (cents: Cents) => {
      const answer: unknown = await unwrap(
        api.POST("/api/wallet/deposit/checkout", {
          body: { amount: toAmountString(cents) },
          ...keyed(),
        }),
      );
      return answer as CheckoutAnswer;
    },
  });
}

export function useDeleteCard() {
  const invalidate = useInvalidateWallet();
  return useMutation({
    mutationFn: (methodId: string) =>
      unwrap(
        api.DELETE("/api/wallet/payment-methods/{method_id}", {
          params: { path: { method_id: methodId } },
        }),
      ),
    onSuccess: invalidate,
  });
}

export function useDefaultCard() {
  const invalidate = useInvalidateWallet();
  return useMutation({
    mutationFn: (methodId: string) =>
      unwrap(
        api.POST("/api/wallet/payment-methods/{method_id}/default", {
          params: { path: { method_id: methodId } },
        }),
      ),
    onSuccess: invalidate,
  });
}

export interface BankAccountInput {
  account_holder_name: string;
  iban: string;
  swift_code: string;
  bank_name: string;
}

export function useAddWithdrawalMethod() {
  const invalidate = useInvalidateWallet();
  return useMutation({
    mutationFn: async (input: BankAccountInput) => {
      const answer: unknown = await unwrap(
        api.POST("/api/wallet/withdrawal-methods", {
          body: {
            withdrawal_type: "bank_transfer",
            account_holder_name: input.account_holder_name,
            iban: input.iban.replace(/\s/g, ""),
            swift_code: input.swift_code || null,
            bank_name: input.bank_name || null,
          },
          ...keyed(),
        }),
      );
      return (answer as { method: WithdrawalMethod }).method;
    },
    onSuccess: invalidate,
  });
}

export function useDefaultWithdrawalMethod() {
  const invalidate = useInvalidateWallet();
  return useMutation({
    mutationFn: (methodId: string) =>
      unwrap(
        api.POST("/api/wallet/withdrawal-methods/{method_id}/default", {
          params: { path: { method_id: methodId } },
        }),
      ),
    onSuccess: invalidate,
  });
}

export function useWithdraw() {
  const invalidate = useInvalidateWallet();
  return useMutation({
    mutationFn: (input: { cents: Cents; methodId: string }) =>
      unwrap(
        api.POST("/api/wallet/withdraw", {
          body: { amount: toAmountString(input.cents), withdrawal_method_id: input.methodId },
          ...keyed(),
        }),
      ),
    onSuccess: invalidate,
  });
}

export function useCancelWithdrawal() {
  const invalidate = useInvalidateWallet();
  return useMutation({
    mutationFn: (operationId: string) =>
      unwrap(
        api.POST("/api/wallet/withdrawals/{operation_id}/cancel", {
          params: { path: { operation_id: operationId } },
          ...keyed(),
        }),
      ),
    onSuccess: invalidate,
  });
}
