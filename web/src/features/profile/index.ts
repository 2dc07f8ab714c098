import type { RouteObject } from "react-router";

export const routes: RouteObject[] = [{ path: "profile", lazy: () => import("./pages/MainPage") }];
