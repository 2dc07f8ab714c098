import type { RouteObject } from "react-router";

export const routes: RouteObject[] = [{ path: "wallet", lazy: () => import("./pages/MainPage") }];

export { BalanceBadge } from "./components/BalanceBadge";
