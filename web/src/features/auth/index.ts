import type { RouteObject } from "react-router";

export { SignOutButton } from "./components/SignOutButton";

export const routes: RouteObject[] = [
  { path: "sign-in", handle: { wide: true }, lazy: () => import("./pages/SignInPage") },
];
