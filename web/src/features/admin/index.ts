import type { RouteObject } from "react-router";

/** The admin area: one layout (the admin guard and the section tabs) around lazy pages. */
export const routes: RouteObject[] = [
  {
    path: "admin",
    handle: { wide: true },
    lazy: () => import("./pages/AdminLayout"),
    children: [
      { index: true, lazy: () => import("./pages/DashboardPage") },
      { path: "events", lazy: () => import("./pages/EventsPage") },
      { path: "events/new", lazy: () => import("./pages/NewEventPage") },
      { path: "events/:eventId", lazy: () => import("./pages/EventEditorPage") },
      { path: "withdrawals", lazy: () => import("./pages/WithdrawalsPage") },
      { path: "plans", lazy: () => import("./pages/AdminPlansPage") },
      { path: "packages", lazy: () => import("./pages/AdminPackagesPage") },
      { path: "users", lazy: () => import("./pages/UsersPage") },
      { path: "users/:userId", lazy: () => import("./pages/UserPage") },
      { path: "notifications", lazy: () => import("./pages/AdminNotificationsPage") },
      { path: "partners", lazy: () => import("./pages/AdminPartnersPage") },
      { path: "partners/:partnerId", lazy: () => import("./pages/AdminPartnerPage") },
    ],
  },
];
