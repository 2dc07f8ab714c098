/**
 * What the user may do with their subscription, by its status (ADR 0012): an active one can
 * change plan or be cancelled; a suspended one (a renewal found too little money) resumes once
 * paid for, or is cancelled; a cancelled one keeps its paid time and can be resumed.
 */
export type SubscriptionStatus = "active" | "suspended" | "cancelled";

export interface SubscriptionActions {
  change: boolean;
  cancel: boolean;
  resume: boolean;
}

export function actionsFor(status: SubscriptionStatus | null): SubscriptionActions {
  return {
    change: status === "active",
    cancel: status === "active" || status === "suspended",
    resume: status === "suspended" || status === "cancelled",
  };
}

/** What a plan's card offers: subscribe (none yet, or another plan after cancelling), switch to
 * it (active or suspended on another plan), or nothing (the current plan, or a retired one). */
export type PlanOffer = "subscribe" | "change" | "current" | "none";

export function offerFor(
  planId: string,
  retired: boolean,
  current: { planId: string; status: SubscriptionStatus } | null,
): PlanOffer {
  if (current && current.planId === planId) return "current";
  if (retired) return "none";
  if (!current || current.status === "cancelled") return "subscribe";
  return current.status === "active" ? "change" : "none";
}
