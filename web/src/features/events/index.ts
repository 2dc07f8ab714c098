import type { RouteObject } from "react-router";

export const routes: RouteObject[] = [
  { index: true, lazy: () => import("./pages/MainPage") },
  { path: "live", lazy: () => import("./pages/LivePage") },
  { path: "events/:eventId", lazy: () => import("./pages/EventPage") },
];
