import type { RouteObject } from "react-router";

/** Notifications (issue 23): which messages go by email and Telegram, and what was sent. */
export const routes: RouteObject[] = [
  {
    path: "profile/notifications",
    handle: { wide: true },
    lazy: () => import("./pages/NotificationsPage"),
  },
];

// For the profile page and the phone's menu.
export { NotificationsLink } from "./components/NotificationsLink";
