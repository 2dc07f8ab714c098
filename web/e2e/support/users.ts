/**
 * Ready users made through the API, for specs that are not about signing up (or depositing):
 * verified, signed in, funded by a card deposit at the Stripe simulator.
 */
import { randomUUID } from "node:crypto";
import { expect, type Page } from "@playwright/test";
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

/** A JSON call to the API as the bearer of `token`; anything but a 2xx throws with the answer. */
export async function callAs<T>(path: string, token: string, init: RequestInit = {}): Promise<T> {
  const answer = await fetch(api(path), {
    ...init,
    headers: {
      "content-type": "application/json",
      authorization: `Bearer ${token}`,
      ...(init.headers as Record<string, string> | undefined),
    },
  });
  const text = await answer.text();
  if (!answer.ok) throw new Error(`${init.method ?? "GET"} ${path}: ${answer.status} ${text}`);
  return JSON.parse(text) as T;
}

interface PaymentForm {
  intent_id: string;
  client_secret: string;
  publishable_key: string;
  stripe_api_base: string;
}

/**
 * A card deposit as the wallet page makes it: the PaymentIntent from the API, confirmed at the
 * Stripe simulator with the 4242 card, then read back until the wallet has credited it.
 */
export async function fundWallet(user: User, amount: string): Promise<void> {
  const { access_token: token } = await signInApi(user);
  const form = await callAs<PaymentForm>("/api/wallet/deposit", token, {
    method: "POST",
    headers: { "Idempotency-Key": randomUUID() },
    body: JSON.stringify({ amount, save_method: false }),
  });
  const base = form.stripe_api_base.replace(/\/+$/, "");
  const confirm = await fetch(`${base}/v1/payment_intents/${form.intent_id}/confirm`, {
    method: "POST",
    body: new URLSearchParams({
      key: form.publishable_key,
      client_secret: form.client_secret,
      return_url: api("/wallet/deposit/done"),
      "payment_method_data[type]": "card",
      "payment_method_data[card][number]": "4242424242424242",
      "payment_method_data[card][exp_month]": "12",
      "payment_method_data[card][exp_year]": "2034",
      "payment_method_data[card][cvc]": "123",
    }),
  });
  expect(confirm.status, await confirm.text()).toBe(200);
  await expect
    .poll(
      async () => {
        const found = await callAs<{ deposit: { status: string } }>(
          `/api/wallet/deposits/${form.intent_id}`,
          token,
        );
        return found.deposit.status;
      },
      { timeout: 20_000 },
    )
    .toBe("succeeded");
}

/** A new, verified user whose wallet holds `amount` (a card deposit). */
export async function fundedUser(tag: string, amount: string): Promise<User> {
  const user = await signUpVerified(newUser(tag));
  await fundWallet(user, amount);
  return user;
}

export interface Balance {
  available_balance: string;
  locked_in_bets: string;
  current_balance: string;
}

/** The user's wallet balance as the API answers it (decimal strings). */
export async function balanceOf(user: User): Promise<Balance> {
  const { access_token: token } = await signInApi(user);
  return (await callAs<{ balance: Balance }>("/api/wallet/balance", token)).balance;
}
