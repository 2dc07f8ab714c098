/** Pro: the plans on sale, the user's subscription and its payment log (docs/subscriptions.md). */
import { useMutation, useQuery, useQueryClient } from "@tanstack/react-query";
import { api, newIdempotencyKey, unwrap } from "@/shared/api/client";
import { isApiError } from "@/shared/api/errors";
import type { ChargeEntry, Plan, Subscription } from "../model/types";
import { billingKeys } from "./keys";

const keyed = () => ({ headers: { "Idempotency-Key": newIdempotencyKey() } });

export function usePlans() {
  return useQuery({
    queryKey: billingKeys.plans,
    queryFn: async () => {
      const answer: unknown = await unwrap(api.GET("/api/wallet/plans"));
      return (answer as { plans: Plan[] }).plans;
    },
  });
}

/** The user's subscription; null when they have none (the API's 404 billing.no_subscription). */
export function useSubscription() {
  return useQuery({
    queryKey: billingKeys.subscription,
    queryFn: async () => {
      try {
        const answer: unknown = await unwrap(api.GET("/api/wallet/subscription"));
        return (answer as { subscription: Subscription }).subscription;
      } catch (error) {
        if (isApiError(error) && error.code === "billing.no_subscription") return null;
        throw error;
      }
    },
  });
}

export function useCharges() {
  return useQuery({
    queryKey: billingKeys.charges,
    queryFn: async () => {
      const answer: unknown = await unwrap(
        api.GET("/api/wallet/subscription/charges", { params: { query: { limit: 50 } } }),
      );
      return (answer as { charges: ChargeEntry[] }).charges;
    },
  });
}

/** Every subscription change moves money or access: the balance and the log are read again. */
function useInvalidateWallet() {
  const client = useQueryClient();
  return () => client.invalidateQueries({ queryKey: ["wallet"] });
}

export type SubscriptionAction =
  | { kind: "subscribe"; planId: string }
  | { kind: "change"; planId: string }
  | { kind: "cancel" }
  | { kind: "resume" };

async function send(action: SubscriptionAction): Promise<unknown> {
  switch (action.kind) {
    case "subscribe":
      return unwrap(
        api.POST("/api/wallet/subscription", { body: { plan_id: action.planId }, ...keyed() }),
      );
    case "change":
      return unwrap(
        api.POST("/api/wallet/subscription/plan", {
          body: { plan_id: action.planId },
          ...keyed(),
        }),
      );
    case "cancel":
      return unwrap(api.POST("/api/wallet/subscription/cancel", { ...keyed() }));
    case "resume":
      return unwrap(api.POST("/api/wallet/subscription/resume", { ...keyed() }));
  }
}

/** One mutation for the four actions: the page shows one confirmation and one outcome at a time. */
export function useSubscriptionAction() {
  const invalidate = useInvalidateWallet();
  return useMutation({ mutationFn: send, onSettled: invalidate });
}
