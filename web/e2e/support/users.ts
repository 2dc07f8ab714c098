/** Ready users made through the API, for specs that are not about signing up. */
import { randomUUID } from "node:crypto";
import type { Page } from "@playwright/test";
import { codeFor } from "./mail";
import { api } from "./platform";

export interface User {
  email: string;
  password: string;
  name: string;
}

export interface Tokens {
  access_token: string;
  refresh_token: string;
}

/** A user nobody has signed up yet (unique per call). */
export function newUser(tag = "e2e"): User {
  const id = randomUUID().slice(0, 8);
  return { email: `${tag}-${id}@looseline.dev`, password: `Pw-${id}-2026!`, name: `Ann ${id}` };
}

async function post<T>(path: string, body: unknown, status: number): Promise<T> {
  const answer = await fetch(api(path), {
    method: "POST",
    headers: { "content-type": "application/json" },
    body: JSON.stringify(body),
  });
  const text = await answer.text();
  if (answer.status !== status) throw new Error(`POST ${path}: ${answer.status} ${text}`);
  return (text ? JSON.parse(text) : null) as T;
}

/** Sign-up → the mailed code → verify-email, as a new user does: the user can sign in. */
export async function signUpVerified(user: User = newUser()): Promise<User> {
  await post("/api/auth/sign-up", user, 201);
  const code = await codeFor(user.email);
  await post("/api/auth/verify-email", { email: user.email, code }, 200);
  return user;
}

export async function signInApi(user: Pick<User, "email" | "password">): Promise<Tokens> {
  const body = { email: user.email, password: user.password, remember_me: true };
  return post<Tokens>("/api/auth/sign-in", body, 200);
}

/**
 * The browser signed in as `user` without the form: a remembered refresh token in localStorage,
 * which the app turns into a session as it starts (the form itself is auth.spec.ts's subject).
 */
export async function signInBrowser(page: Page, user: User, path = "/"): Promise<void> {
  const tokens = await signInApi(user);
  // The origin's storage from a page that is not the app (whose start-up would spend the token).
  await page.goto("/health");
  await page.evaluate(
    (token) => localStorage.setItem("looseline.refresh", token),
    tokens.refresh_token,
  );
  await page.goto(path);
}
