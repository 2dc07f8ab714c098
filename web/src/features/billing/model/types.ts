/**
 * What the billing answers carry (typed `{[key: string]: unknown}` in the OpenAPI): only the
 * fields these pages read. Amounts are the API's two-decimal strings, times ISO 8601 (UTC).
 */
import type { HeldPurchase } from "./packages";
import type { SubscriptionStatus } from "./subscription";

export interface Plan {
  id: string;
  name: string;
  description: string;
  price: string;
  currency: string;
  period_seconds: number;
  features: string[];
  /** The admin's list only: no new subscribers, current ones renew on it. */
  retired?: boolean;
}

export interface Subscription {
  subscription_id: string;
  status: SubscriptionStatus;
  plan: Plan;
  paid_from: string;
  paid_through: string;
  has_access: boolean;
  features: string[];
  /** When the next period is charged, and how much (null: no renewal, e.g. cancelled). */
  next_renewal_at: string | null;
  next_renewal_price: string | null;
  currency: string;
}

/** One line of the subscription's payment log: a period charged, or a plan change's refund. */
export interface ChargeEntry {
  kind: "charge" | "refund";
  subscription_id: string;
  plan_id: string | null;
  period_number: number;
  period_start: string | null;
  period_end: string | null;
  /** Signed: a charge takes money (negative), a refund gives it back. */
  amount: string;
  currency: string;
  created_at: string;
}

export type PackageKind = "units" | "free_bet";

export interface Package {
  id: string;
  name: string;
  description: string;
  kind: PackageKind;
  units: number;
  price: string;
  currency: string;
  validity_days: number;
  /** A free bet's stake (kind free_bet only). */
  stake: string | null;
  /** The admin's list only (the catalogue shows only packages on sale). */
  active?: boolean;
}

export interface Purchase extends HeldPurchase {
  package_id: string;
  package_name: string;
  kind: PackageKind;
  order_id: string;
  units_lapsed: number;
  lapsed_at: string | null;
  state: "active" | "used_up" | "expired";
  /** A free bet's stake per unit, when the answer carries it (else the package's). */
  stake?: string | null;
}

/** The user's holding of one package: its purchases, earliest expiry first. */
export interface Holding {
  package_id: string;
  name: string;
  kind: PackageKind;
  purchases: Purchase[];
}

export type OrderStatus = "pending" | "paid" | "failed";

export interface Order {
  order_id: string;
  package_id: string;
  package_name: string | null;
  amount: string;
  currency: string;
  method: "balance" | "card";
  status: OrderStatus;
  failure_reason: string | null;
  created_at: string;
  paid_at: string | null;
}

/** `POST /packages/{id}/buy`: paid now (balance), or a Checkout page to pay on (card). */
export interface BuyAnswer {
  order: Order;
  confirmation_url?: string;
}
