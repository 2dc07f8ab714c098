/** Pure rules of the auth forms: the server's password policy, codes, and where to go next. */
import { z } from "zod";
import { passwordSchema } from "@/shared/forms/credentials";
import type { TokenAnswer } from "@/shared/session/session";

export {
  PASSWORD_MAX,
  PASSWORD_MIN,
  passwordSchema,
  twoFactorCodeSchema,
} from "@/shared/forms/credentials";

export const emailSchema = z
  .string()
  .trim()
  .min(1, "required")
  .max(320, "email")
  .pipe(z.email("email"));
/** A six-digit emailed code (spaces a user may paste are dropped). */
export const emailCodeSchema = z
  .string()
  .transform((value) => value.replace(/\s+/g, ""))
  .pipe(z.string().regex(/^\d{6}$/, "code"));

export const signInSchema = z.object({
  email: emailSchema,
  password: z.string().min(1, "required"),
  remember_me: z.boolean(),
});
export type SignInValues = z.infer<typeof signInSchema>;

export const signUpSchema = z.object({
  name: z.string().trim().min(1, "required").max(100, "nameLong"),
  email: emailSchema,
  password: passwordSchema,
});
export type SignUpValues = z.infer<typeof signUpSchema>;

/** The second step of a provider sign-in: `POST /2fa/verify` with this challenge. */
export interface TwoFactorChallenge {
  two_factor_required: true;
  challenge: string;
  expires_in: number;
}

export function isChallenge(answer: unknown): answer is TwoFactorChallenge {
  return (
    typeof answer === "object" &&
    answer !== null &&
    (answer as { two_factor_required?: unknown }).two_factor_required === true &&
    typeof (answer as { challenge?: unknown }).challenge === "string"
  );
}

export function isTokenAnswer(answer: unknown): answer is TokenAnswer {
  return (
    typeof answer === "object" &&
    answer !== null &&
    typeof (answer as { access_token?: unknown }).access_token === "string"
  );
}

/**
 * Where to go after signing in: only a path of this app (`/bets?x=1`), never another origin
 * (`//evil.example`, `https://…`): `?next=` comes from the address bar.
 */
export function safeNext(next: string | null | undefined): string {
  if (!next || !next.startsWith("/") || next.startsWith("//") || next.startsWith("/\\")) {
    return "/";
  }
  return next;
}

export const OAUTH_PROVIDERS = ["google", "github"] as const;
export type OAuthProviderName = (typeof OAUTH_PROVIDERS)[number];

export function isOAuthProvider(name: string | undefined): name is OAuthProviderName {
  return OAUTH_PROVIDERS.includes(name as OAuthProviderName);
}

/** The full-page navigation that starts a provider sign-in (the API answers with a 302). */
export function authorizeUrl(provider: OAuthProviderName, rememberMe: boolean): string {
  return `/api/auth/${provider}/authorize?remember_me=${rememberMe ? "true" : "false"}`;
}
