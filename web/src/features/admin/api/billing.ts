/**
 * The paid products' admin side (issue 22): plans and their subscribers' figures, packages,
 * their orders (the payment log) and purchases, package totals. Every write carries an
 * Idempotency-Key, so a retried request acts once.
 */
import { useMutation, useQuery, useQueryClient } from "@tanstack/react-query";
import { api, newIdempotencyKey, unwrap } from "@/shared/api/client";
import type { packageBody, planBody } from "../model/billing";
import { adminKeys } from "./keys";
import type { Pagination } from "./types";

export interface AdminPlan {
  id: string;
  name: string;
  description: string;
  price: string;
  currency: string;
  period_seconds: number;
  features: string[];
  retired: boolean;
  retired_at: string | null;
  created_at: string;
}

export interface SubscriptionStats {
  active_subscribers: number;
  suspended_subscribers: number;
  revenue_24h: string;
  revenue_30d: string;
  run_rate_daily: string;
  currency: string;
}

export interface AdminPackage {
  id: string;
  name: string;
  description: string;
  kind: "units" | "free_bet";
  units: number;
  price: string;
  currency: string;
  validity_days: number;
  stake: string | null;
  active: boolean;
}

export type PackageOrderStatus = "pending" | "paid" | "failed";

export interface AdminPackageOrder {
  order_id: string;
  user_id: string;
  package_id: string;
  package_name: string | null;
  amount: string;
  currency: string;
  method: "balance" | "card";
  status: PackageOrderStatus;
  failure_reason: string | null;
  created_at: string;
  paid_at: string | null;
}

export interface AdminPackagePurchase {
  purchase_id: string;
  user_id: string;
  package_name: string;
  units_total: number;
  units_left: number;
  units_lapsed: number;
  paid_at: string;
  expires_at: string;
  state: "active" | "used_up" | "expired";
}

export interface PackageTotals {
  revenue: { last_24h: string; last_30d: string; currency: string };
  units: { sold: number; used: number; lapsed: number; left: number };
  orders: Partial<Record<PackageOrderStatus, number>>;
}

export const billingAdminKeys = {
  plans: [...adminKeys.all, "billing", "plans"] as const,
  stats: [...adminKeys.all, "billing", "subscription-stats"] as const,
  packages: [...adminKeys.all, "billing", "packages"] as const,
  totals: [...adminKeys.all, "billing", "package-totals"] as const,
  orders: (status: string) => [...adminKeys.all, "billing", "orders", status] as const,
  purchases: [...adminKeys.all, "billing", "purchases"] as const,
};

const keyed = () => ({ headers: { "Idempotency-Key": newIdempotencyKey() } });

export function useAdminPlans() {
  return useQuery({
    queryKey: billingAdminKeys.plans,
    queryFn: async () => {
      const answer: unknown = await unwrap(api.GET("/api/wallet/admin/plans"));
      return (answer as { plans: AdminPlan[] }).plans;
    },
  });
}

export function useSubscriptionStats() {
  return useQuery({
    queryKey: billingAdminKeys.stats,
    queryFn: async () => {
      const answer: unknown = await unwrap(api.GET("/api/wallet/admin/subscriptions/stats"));
      return (answer as { stats: SubscriptionStats }).stats;
    },
  });
}

function useInvalidate(...keys: (readonly unknown[])[]) {
  const client = useQueryClient();
  return () => Promise.all(keys.map((queryKey) => client.invalidateQueries({ queryKey })));
}

export function useCreatePlan() {
  const invalidate = useInvalidate(billingAdminKeys.plans);
  return useMutation({
    mutationFn: async (body: ReturnType<typeof planBody>) => {
      const answer: unknown = await unwrap(
        api.POST("/api/wallet/admin/plans", { body, ...keyed() }),
      );
      return (answer as { plan: AdminPlan }).plan;
    },
    onSuccess: invalidate,
  });
}

export function useRetirePlan() {
  const invalidate = useInvalidate(billingAdminKeys.plans);
  return useMutation({
    mutationFn: (planId: string) =>
      unwrap(
        api.POST("/api/wallet/admin/plans/{plan_id}/retire", {
          params: { path: { plan_id: planId } },
          ...keyed(),
        }),
      ),
    onSettled: invalidate,
  });
}

export function useAdminPackages() {
  return useQuery({
    queryKey: billingAdminKeys.packages,
    queryFn: async () => {
      const answer: unknown = await unwrap(api.GET("/api/wallet/admin/packages"));
      return (answer as { packages: AdminPackage[] }).packages;
    },
  });
}

export function usePackageTotals() {
  return useQuery({
    queryKey: billingAdminKeys.totals,
    queryFn: async () => {
      const answer: unknown = await unwrap(api.GET("/api/wallet/admin/packages/totals"));
      return answer as PackageTotals;
    },
  });
}

export function usePackageOrders(status: PackageOrderStatus | "") {
  return useQuery({
    queryKey: billingAdminKeys.orders(status),
    queryFn: async () => {
      const answer: unknown = await unwrap(
        api.GET("/api/wallet/admin/packages/orders", {
          params: { query: { status: status || null, limit: 50 } },
        }),
      );
      return answer as { orders: AdminPackageOrder[]; pagination: Pagination };
    },
  });
}

export function usePackagePurchases() {
  return useQuery({
    queryKey: billingAdminKeys.purchases,
    queryFn: async () => {
      const answer: unknown = await unwrap(
        api.GET("/api/wallet/admin/packages/purchases", { params: { query: { limit: 50 } } }),
      );
      return answer as { purchases: AdminPackagePurchase[]; pagination: Pagination };
    },
  });
}

export function useCreatePackage() {
  const invalidate = useInvalidate(billingAdminKeys.packages);
  return useMutation({
    mutationFn: async (body: ReturnType<typeof packageBody>) => {
      const answer: unknown = await unwrap(
        api.POST("/api/wallet/admin/packages", { body, ...keyed() }),
      );
      return (answer as { package: AdminPackage }).package;
    },
    onSuccess: invalidate,
  });
}

export function useSetPackageActive() {
  const invalidate = useInvalidate(billingAdminKeys.packages);
  return useMutation({
    mutationFn: (input: { packageId: string; active: boolean }) =>
      unwrap(
        api.POST("/api/wallet/admin/packages/{package_id}/active", {
          params: { path: { package_id: input.packageId } },
          body: { active: input.active },
          ...keyed(),
        }),
      ),
    onSettled: invalidate,
  });
}
