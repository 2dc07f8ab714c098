import type { RouteObject } from "react-router";

export { useAccountPreferences } from "./api/useAccountPreferences";

export const routes: RouteObject[] = [
  { path: "profile", handle: { wide: true }, lazy: () => import("./pages/ProfilePage") },
];
