/**
 * Billing's query keys, under ["wallet"]: a deposit (which may resume a suspended subscription
 * or pay a card order) and the live stream's wallet events refresh them with the balance.
 */
export const billingKeys = {
  all: ["wallet", "billing"] as const,
  plans: ["wallet", "billing", "plans"] as const,
  subscription: ["wallet", "billing", "subscription"] as const,
  charges: ["wallet", "billing", "charges"] as const,
  packages: ["wallet", "billing", "packages"] as const,
  mine: ["wallet", "billing", "packages", "mine"] as const,
  orders: ["wallet", "billing", "packages", "orders"] as const,
};
