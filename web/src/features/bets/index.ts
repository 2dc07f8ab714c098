import type { RouteObject } from "react-router";

// History (with the export), statistics (its own chunk: Recharts loads only there), one bet.
export const routes: RouteObject[] = [
  { path: "bets", lazy: () => import("./pages/MainPage"), handle: { wide: true } },
  { path: "bets/stats", lazy: () => import("./pages/StatsPage"), handle: { wide: true } },
  { path: "bets/:betId", lazy: () => import("./pages/BetPage"), handle: { wide: true } },
];
