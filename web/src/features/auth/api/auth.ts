/** The auth service's calls the forms make (each throws the API's error as an ApiError). */
import { api, unwrap } from "@/shared/api/client";
import { session, type TokenAnswer } from "@/shared/session/session";
import type { OAuthProviderName, TwoFactorChallenge } from "../model/auth";

export interface SignInBody {
  email: string;
  password: string;
  remember_me: boolean;
  totp_code?: string;
}

export async function signIn(body: SignInBody): Promise<TokenAnswer> {
  return unwrap(api.POST("/api/auth/sign-in", { body }));
}

export async function verifyTwoFactor(challenge: string, code: string): Promise<TokenAnswer> {
  return unwrap(api.POST("/api/auth/2fa/verify", { body: { challenge, code } }));
}

export async function signUp(body: { email: string; password: string; name: string }) {
  return unwrap(api.POST("/api/auth/sign-up", { body }));
}

export async function verifyEmail(email: string, code: string) {
  return unwrap(api.POST("/api/auth/verify-email", { body: { email, code } }));
}

export async function resendVerification(email: string) {
  return unwrap(api.POST("/api/auth/verify-email/resend", { body: { email } }));
}

export async function forgotPassword(email: string) {
  return unwrap(api.POST("/api/auth/forgot-password", { body: { email } }));
}

export async function resetPassword(body: { email: string; code: string; new_password: string }) {
  return unwrap(api.POST("/api/auth/reset-password", { body }));
}

/** The provider's answer, fetched by the app's landing page: tokens or a 2-FA challenge. */
export async function completeOAuth(
  provider: OAuthProviderName,
  query: { code?: string; state?: string; error?: string },
): Promise<TokenAnswer | TwoFactorChallenge> {
  const answer: unknown = await unwrap(
    api.GET("/api/auth/{provider}/callback", { params: { path: { provider }, query } }),
  );
  return answer as TokenAnswer | TwoFactorChallenge;
}

/** Ends this session on the server, then here; a failed call still signs out locally. */
export async function signOut(): Promise<void> {
  try {
    await unwrap(api.POST("/api/auth/sign-out"));
  } catch (error) {
    console.warn("sign-out: the server did not answer; signing out here only", error);
  } finally {
    session.signedOut();
  }
}
