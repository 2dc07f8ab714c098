import type { RouteObject } from "react-router";

export const routes: RouteObject[] = [{ path: "bets", lazy: () => import("./pages/MainPage") }];
