import type { RouteObject } from "react-router";

export const routes: RouteObject[] = [
  // Money pages use the full width: no bet slip beside the forms.
  { path: "wallet", lazy: () => import("./pages/MainPage"), handle: { wide: true } },
  // Stripe Checkout and 3-D Secure return here (ARCHITECTURE.md §9).
  {
    path: "wallet/deposit/done",
    lazy: () => import("./pages/DepositDonePage"),
    handle: { wide: true },
  },
  {
    path: "wallet/deposit/cancelled",
    lazy: () => import("./pages/DepositCancelledPage"),
    handle: { wide: true },
  },
];

export { BalanceBadge } from "./components/BalanceBadge";
export { BalanceCard } from "./components/BalanceCard";
