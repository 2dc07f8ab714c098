/**
 * Every page is a route of one feature (its index.ts exports `routes`, each page loaded lazily so
 * the first bundle carries only the shell); they all render inside the Shell.
 */
import { createBrowserRouter, type RouteObject } from "react-router";
import { routes as adminRoutes } from "@/features/admin";
import { routes as authRoutes } from "@/features/auth";
import { routes as betsRoutes } from "@/features/bets";
import { routes as billingRoutes } from "@/features/billing";
import { routes as eventsRoutes } from "@/features/events";
import { routes as notificationsRoutes } from "@/features/notifications";
import { routes as profileRoutes } from "@/features/profile";
import { routes as responsibleGamblingRoutes } from "@/features/responsible-gambling";
import { routes as walletRoutes } from "@/features/wallet";
import { NotFound } from "./NotFound";
import { Shell } from "./Shell";

export const appRoutes: RouteObject[] = [
  {
    element: <Shell />,
    children: [
      ...eventsRoutes,
      ...authRoutes,
      ...betsRoutes,
      ...walletRoutes,
      ...billingRoutes,
      ...profileRoutes,
      ...responsibleGamblingRoutes,
      ...notificationsRoutes,
      ...adminRoutes,
      { path: "*", element: <NotFound /> },
    ],
  },
];

export const router = createBrowserRouter(appRoutes);
