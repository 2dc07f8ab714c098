import type { RouteObject } from "react-router";

/** The paid products beside betting (issue 22): Pro (a subscription) and prepaid packages. */
export const routes: RouteObject[] = [
  // Money pages use the full width, as the wallet's: no bet slip beside them.
  { path: "wallet/pro", lazy: () => import("./pages/ProPage"), handle: { wide: true } },
  { path: "wallet/packages", lazy: () => import("./pages/PackagesPage"), handle: { wide: true } },
];

// For the admin's plan and package pages: prices per period and feature flags in the same words.
export { useBillingFormat, useFeatureText } from "./components/words";

// For the bet slip: the free bets the user can stake, one choice per stake.
export { useFreeBets } from "./api/packages";
export type { FreeBetChoice } from "./model/freeBets";
