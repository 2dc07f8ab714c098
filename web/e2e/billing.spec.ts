/**
 * Issue 22 in the browser, once per project (en-light, ru-dark, a 360 px phone): the admin makes
 * a plan and a package in the admin area; a bettor whose wallet holds 100.00 (a card deposit
 * through the Stripe simulator) subscribes to the plan and buys the package with the balance.
 *
 * By hand: 100.00 − 4.99 (the plan's first hour, charged at subscribing) = 95.01;
 * − 9.99 (the package, 10 units valid 30 days) = 85.02.
 *
 * Only the deposit goes through the API (the journey shows the card form; this is about billing).
 */
import { randomUUID } from "node:crypto";
import type { Browser, Page } from "@playwright/test";
import { expect, test, type Preferences } from "./support/fixtures";
import type { Translate } from "./support/i18n";
import { adminToken, adminUser, setAccountPreferences } from "./support/journey-admin";
import { CURRENCY, literal, looked, moneyText } from "./support/journey-pages";
import { api } from "./support/platform";
import { newUser, signInApi, signInBrowser, signUpVerified, type User } from "./support/users";

const SLOW = { timeout: 20_000 };
const exact = { exact: true };

/** The part of a translated text before its first `{{placeholder}}`. */
function lead(text: string): string {
  return text.split("{{")[0] ?? text;
}

/** A translated text with its placeholders filled. */
function fill(text: string, values: Record<string, string | number>): string {
  return text.replace(/\{\{(\w+)\}\}/g, (_, name: string) => String(values[name] ?? ""));
}

async function call<T>(path: string, token: string, init: RequestInit = {}): Promise<T> {
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
async function fundWallet(user: User, amount: string): Promise<void> {
  const { access_token: token } = await signInApi(user);
  const form = await call<PaymentForm>("/api/wallet/deposit", token, {
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
    .poll(async () => {
      const found = await call<{ deposit: { status: string } }>(
        `/api/wallet/deposits/${form.intent_id}`,
        token,
      );
      return found.deposit.status;
    }, SLOW)
    .toBe("succeeded");
}

async function availableOf(user: User): Promise<string> {
  const { access_token: token } = await signInApi(user);
  const found = await call<{ balance: { available_balance: string } }>(
    "/api/wallet/balance",
    token,
  );
  return found.balance.available_balance;
}

/** A second browser context in the project's viewport and preferences (the admin's). */
async function adminPage(browser: Browser, baseURL: string, preferences: Preferences) {
  const use = test.info().project.use;
  const context = await browser.newContext({
    baseURL,
    viewport: use.viewport ?? null,
    locale: use.locale,
    colorScheme: use.colorScheme,
    isMobile: use.isMobile,
    hasTouch: use.hasTouch,
  });
  const stored = JSON.stringify({ ...preferences, odds_format: "decimal" });
  await context.addInitScript((value) => {
    if (localStorage.getItem("looseline.preferences") === null) {
      localStorage.setItem("looseline.preferences", value);
    }
  }, stored);
  // The admin is one account for every project: its own preferences follow the project's.
  await setAccountPreferences(await adminToken(), preferences);
  const page = await context.newPage();
  const problems: string[] = [];
  page.on("pageerror", (error) => problems.push(`uncaught: ${error.message}`));
  page.on("console", (message) => {
    if (message.type() === "error" && message.text().includes("Content Security Policy")) {
      problems.push(`CSP: ${message.text()}`);
    }
  });
  return { page, context, problems };
}

async function createPlan(admin: Page, t: Translate, name: string): Promise<void> {
  await admin.goto("/admin/plans");
  await expect(admin.getByRole("heading", { name: t("admin:plans.title"), level: 1 })).toBeVisible(
    SLOW,
  );
  const form = admin.getByRole("form", { name: t("admin:plans.new") });
  await form.getByLabel(t("admin:fields.name"), exact).fill(name);
  await form.getByLabel(t("admin:plans.price"), exact).fill("4.99");
  await form.getByLabel(t("admin:plans.periodCount"), exact).fill("1");
  await form.getByLabel(t("admin:plans.periodUnit"), exact).selectOption("hour");
  await form.getByLabel(t("admin:plans.description"), exact).fill("Bigger exports, by the hour.");
  await form.getByLabel(t("admin:plans.features"), exact).fill("exports_plus");
  await form.getByRole("button", { name: t("admin:plans.create"), exact: true }).click();
  const row = admin.locator("table.admin-table tr").filter({ hasText: name });
  await expect(row).toHaveCount(1, SLOW);
  await expect(row).toContainText(t("admin:plans.onSale"));
}

async function createPackage(admin: Page, t: Translate, name: string): Promise<void> {
  await admin.goto("/admin/packages");
  await expect(
    admin.getByRole("heading", { name: t("admin:packages.title"), level: 1 }),
  ).toBeVisible(SLOW);
  const form = admin.getByRole("form", { name: t("admin:packages.new") });
  await form.getByLabel(t("admin:fields.name"), exact).fill(name);
  await form.getByLabel(t("admin:packages.kind"), exact).selectOption("units");
  await form.getByLabel(t("admin:packages.units"), exact).fill("10");
  await form.getByLabel(t("admin:packages.price"), exact).fill("9.99");
  await form.getByLabel(t("admin:packages.validity"), exact).fill("30");
  await form.getByRole("button", { name: t("admin:packages.create"), exact: true }).click();
  const row = admin.locator("table.admin-table tr").filter({ hasText: name });
  await expect(row).toHaveCount(1, SLOW);
  await expect(row).toContainText(t("admin:plans.onSale"));
}

test("the admin makes a plan and a package; a funded bettor subscribes and buys units", async ({
  page,
  t,
  preferences,
  browser,
  baseURL,
}) => {
  test.setTimeout(180_000);
  const language = preferences.language;
  const cash = (cents: number) => moneyText(cents, language, CURRENCY);
  const tag = randomUUID().slice(0, 6);
  const planName = `E2E Pro ${tag}`;
  const packageName = `E2E Tips ${tag}`;

  const user = await signUpVerified(newUser("billing"));
  await fundWallet(user, "100.00");
  expect(await availableOf(user)).toBe("100.00");

  // 1. The admin area: a plan (4.99 per hour, exports_plus) and a package (10 units, 30 days).
  const admin = await adminPage(browser, baseURL ?? "", preferences);
  await signInBrowser(admin.page, adminUser(), "/admin");
  await expect(
    admin.page.getByRole("heading", { name: t("admin:dashboard.title"), level: 1 }),
  ).toBeVisible(SLOW);
  await createPlan(admin.page, t, planName);
  await looked(admin.page, "admin-plans");
  await createPackage(admin.page, t, packageName);
  await looked(admin.page, "admin-packages");
  await admin.context.close();
  expect(admin.problems, "uncaught errors and CSP violations in the admin's page").toEqual([]);

  // 2. Pro: the plan's price per hour in words; subscribe, confirm; 4.99 leaves the balance.
  await signInBrowser(page, user, "/wallet");
  await page.getByRole("link", { name: t("wallet:more.pro"), exact: true }).click();
  await expect(page).toHaveURL(/\/wallet\/pro$/);
  await expect(page.getByRole("heading", { name: t("billing:pro.title"), level: 1 })).toBeVisible();
  const plan = page.getByRole("article", { name: planName, exact: true });
  const hourly = fill(t("billing:period.price"), {
    price: cash(4_99),
    period: t("billing:period.one.hour"),
  });
  await expect(plan).toContainText(hourly, SLOW);
  const subscribe = plan.getByRole("button", { name: t("billing:actions.subscribe"), exact: true });
  await subscribe.click();
  await expect(plan.getByRole("group")).toContainText(cash(4_99));
  await subscribe.click(); // the confirmation
  const status = page.locator("section.billing-status");
  await expect(status).toContainText(t("billing:status.active"), SLOW);
  await expect(status).toContainText(t("billing:status.accessOn"));
  await expect(status).toContainText(t("billing:status.paidThrough"));
  await expect(plan).toContainText(t("billing:plans.current"));
  await expect(page.locator(".wallet-badge-button")).toContainText(cash(95_01), SLOW);
  expect(await availableOf(user)).toBe("95.01");
  // The charge log: one period charged, −4.99.
  const charges = page.locator("table.billing-table tbody tr");
  await expect(charges).toHaveCount(1, SLOW);
  await expect(charges.first()).toContainText(t("billing:charges.kind.charge"));
  await expect(charges.first()).toContainText(cash(4_99));
  await looked(page, "pro");

  // 3. Packages: buy with the balance, confirm; 10 units with their expiry; 9.99 more gone.
  await page
    .getByRole("navigation", { name: t("billing:nav.label") })
    .getByRole("link", { name: t("billing:nav.packages"), exact: true })
    .click();
  await expect(page).toHaveURL(/\/wallet\/packages$/);
  const pack = page.getByRole("article", { name: packageName, exact: true });
  await expect(pack).toContainText(cash(9_99), SLOW);
  const buy = pack.getByRole("button", { name: t("billing:actions.buyBalance"), exact: true });
  await buy.click();
  await buy.click(); // the confirmation
  const holding = page.locator("li.billing-holding").filter({ hasText: packageName });
  await expect(holding).toHaveCount(1, SLOW);
  await expect(holding.locator(".billing-purchase")).toHaveCount(1);
  await expect(holding.locator(".billing-purchase")).toContainText(
    fill(t("billing:mine.purchaseUnits"), { left: 10, total: 10 }),
  );
  await expect(holding).toContainText(new RegExp(literal(lead(t("billing:mine.expires")))));
  await expect(page.locator(".wallet-badge-button")).toContainText(cash(85_02), SLOW);
  expect(await availableOf(user)).toBe("85.02");
  const order = page.locator("table.billing-table tbody tr").filter({ hasText: packageName });
  await expect(order).toContainText(t("billing:orders.statuses.paid"));
  await looked(page, "packages");
});
