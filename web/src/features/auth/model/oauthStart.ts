/**
 * What the app must remember across the provider's pages: where to go afterwards and whether
 * the refresh token is kept (the server keeps remember_me with the state; the app decides where
 * it stores the token). sessionStorage: this tab only, gone with it.
 */
import { safeNext } from "./auth";

const KEY = "looseline.oauth";

export interface OAuthStart {
  rememberMe: boolean;
  next: string;
}

export function rememberOAuthStart(start: OAuthStart): void {
  sessionStorage.setItem(KEY, JSON.stringify(start));
}

/** Forgotten once the sign-in is done, so a later landing cannot reuse it. */
export function clearOAuthStart(): void {
  sessionStorage.removeItem(KEY);
}

export function readOAuthStart(): OAuthStart {
  const raw = sessionStorage.getItem(KEY);
  try {
    const parsed = JSON.parse(raw ?? "null") as Partial<OAuthStart> | null;
    return { rememberMe: parsed?.rememberMe === true, next: safeNext(parsed?.next) };
  } catch {
    return { rememberMe: false, next: "/" };
  }
}
