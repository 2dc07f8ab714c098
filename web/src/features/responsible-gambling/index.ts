import { lazy } from "react";
import type { RouteObject } from "react-router";

/** Responsible gambling (issue 23): limits, time-out and self-exclusion, on the profile. */
export const routes: RouteObject[] = [
  {
    path: "profile/responsible-gambling",
    handle: { wide: true },
    lazy: () => import("./pages/ResponsibleGamblingPage"),
  },
];

// For the bet slip and the deposit panel: the restriction in force, and the words that say it.
export { useRestriction } from "./api/useRestriction";
export { RestrictionNotice } from "./components/RestrictionNotice";
// For the Shell: the live stream's reality checks, in a dialog (its code loads with the first).
export { RealityChecks } from "./components/RealityChecks";
// For the profile page and the user menu.
export { ResponsibleGamblingLink } from "./components/ResponsibleGamblingLink";
// For the admin's user page (read only); loaded with it, not with the bet slip that needs this
// index at start-up (render it inside a Suspense boundary).
export const AdminReadout = lazy(() =>
  import("./components/AdminReadout").then((module) => ({ default: module.AdminReadout })),
);
export type { AdminLimitChange, AdminRgData } from "./components/AdminReadout";
export type { LimitAnswerRow } from "./model/limits";
export type { Restriction } from "./model/restriction";
