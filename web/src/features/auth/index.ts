import type { RouteObject } from "react-router";

export { SignOutButton } from "./components/SignOutButton";
export { VerifyEmailPrompt } from "./components/VerifyEmailPrompt";
/** For other features' forms: a field's error in words. */
export { fieldText } from "./model/formErrors";

const wide = { wide: true };

export const routes: RouteObject[] = [
  { path: "sign-in", handle: wide, lazy: () => import("./pages/SignInPage") },
  { path: "sign-up", handle: wide, lazy: () => import("./pages/SignUpPage") },
  { path: "verify-email", handle: wide, lazy: () => import("./pages/VerifyEmailPage") },
  { path: "forgot-password", handle: wide, lazy: () => import("./pages/ForgotPasswordPage") },
  { path: "reset-password", handle: wide, lazy: () => import("./pages/ResetPasswordPage") },
  {
    path: "auth/callback/:provider",
    handle: wide,
    lazy: () => import("./pages/OAuthCallbackPage"),
  },
];
