/**
 * The signed-in session: the access token lives in memory only; the refresh token is kept in
 * localStorage when the user asked to be remembered, else in sessionStorage (gone with the tab).
 * Both are replaced on every refresh (the auth service rotates refresh tokens on use).
 */
import { useSyncExternalStore } from "react";
import type { Preferences } from "@/shared/preferences/preferences";

export type Role = "user" | "admin";

export interface SessionUser {
  id: string;
  email: string;
  name: string;
  role: Role;
  is_verified: boolean;
  avatar_url?: string | null;
  two_factor_enabled?: boolean;
  telegram_id?: number | null;
  /** The account's copy of the display preferences (auth's `PUT /api/auth/user`). */
  preferences?: Partial<Preferences>;
}

export interface TokenAnswer {
  access_token: string;
  refresh_token: string;
  expires_in: number;
  user: SessionUser;
}

interface State {
  accessToken: string | null;
  user: SessionUser | null;
  /** True until the first refresh attempt at start-up has finished. */
  restoring: boolean;
}

const KEY = "looseline.refresh";
let state: State = { accessToken: null, user: null, restoring: true };
const listeners = new Set<() => void>();

function emit(next: State): void {
  state = next;
  listeners.forEach((listener) => listener());
}

export function storedRefreshToken(): string | null {
  return localStorage.getItem(KEY) ?? sessionStorage.getItem(KEY);
}

function remembered(): boolean {
  return localStorage.getItem(KEY) !== null;
}

export const session = {
  get: (): State => state,
  subscribe(listener: () => void): () => void {
    listeners.add(listener);
    return () => listeners.delete(listener);
  },
  /** A sign-in, an OAuth landing or a refresh answered with tokens. */
  signedIn(answer: TokenAnswer, remember: boolean = remembered()): void {
    localStorage.removeItem(KEY);
    sessionStorage.removeItem(KEY);
    (remember ? localStorage : sessionStorage).setItem(KEY, answer.refresh_token);
    emit({ accessToken: answer.access_token, user: answer.user, restoring: false });
  },
  userChanged(user: SessionUser): void {
    emit({ ...state, user });
  },
  signedOut(): void {
    localStorage.removeItem(KEY);
    sessionStorage.removeItem(KEY);
    emit({ accessToken: null, user: null, restoring: false });
  },
  restored(): void {
    if (state.restoring) emit({ ...state, restoring: false });
  },
};

export function useSession(): State {
  return useSyncExternalStore(session.subscribe, session.get, session.get);
}
