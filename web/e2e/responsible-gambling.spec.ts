/**
 * Issue 23 in the browser, once per project (en-light, ru-dark, a 360 px phone), with a NEW
 * bettor each time (the time-out taken here must not stop another spec's users): a bettor whose
 * wallet holds 100.00 sets a daily deposit limit of 100.00 (in force at once), raises it to
 * 200.00 (pending for 24 hours), sets a daily loss limit of 50.00, then takes a 1-day time-out:
 * the page shows the banner with its end, the bet slip and the deposit panel say it in words,
 * and the admin's user page shows the restriction and the limits, read only.
 *
 * Only the deposit goes through the API (the journey shows the card form).
 */
import { randomUUID } from "node:crypto";
import type { Browser, Locator, Page } from "@playwright/test";
import { expect, test, type Preferences } from "./support/fixtures";
import type { Translate } from "./support/i18n";
import { adminToken, adminUser, setAccountPreferences, userIdOf } from "./support/journey-admin";
import { figure, literal, looked, moneyText, openSlip } from "./support/journey-pages";
import { api } from "./support/platform";
import { newUser, signInApi, signInBrowser, signUpVerified, type User } from "./support/users";

const SLOW = { timeout: 20_000 };
const exact = { exact: true };
const RG = "responsible-gambling";

/** The part of a translated text before its first `{{placeholder}}`. */
function lead(text: string): string {
  return text.split("{{")[0] ?? text;
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

/** A card deposit as the wallet page makes it (billing.spec.ts's): the PaymentIntent, the
 * Stripe simulator's confirmation with the 4242 card, then the wallet's credit. */
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

/** A card (deposit or loss limits) and its daily period. */
function dailyOf(page: Page, t: Translate, title: string): Locator {
  const card = page.locator("section.card").filter({
    has: page.getByRole("heading", { name: title, exact: true }),
  });
  return card.locator("li.rg-period").filter({
    has: page.getByRole("heading", { name: t(`${RG}:limits.period.day`), exact: true }),
  });
}

/** Type an amount, press the button, read the question, confirm with the same button. */
async function changeLimit(
  day: Locator,
  t: Translate,
  button: string,
  amount: string,
  question: RegExp,
): Promise<void> {
  const field = day.getByLabel(
    t(`${RG}:limits.newAmount`).replace("{{period}}", t(`${RG}:limits.adjective.day`)),
    exact,
  );
  await field.fill(amount);
  await day.getByRole("button", { name: button, exact: true }).click();
  const group = day.getByRole("group");
  await expect(group).toContainText(question);
  await group.getByRole("button", { name: button, exact: true }).click();
}

test("a new bettor sets limits and takes a time-out; the slip, the deposit panel and the admin show it", async ({
  page,
  t,
  preferences,
  browser,
  baseURL,
}) => {
  test.setTimeout(180_000);
  const language = preferences.language;
  const money = (cents: number) => moneyText(cents, language);
  const user = await signUpVerified(newUser("rg"));
  await fundWallet(user, "100.00");

  // 1. From the profile to the page.
  await signInBrowser(page, user, "/profile");
  await page
    .locator(".page-title")
    .getByRole("link", { name: t(`${RG}:link`), exact: true })
    .click();
  await expect(page).toHaveURL(/\/profile\/responsible-gambling$/);
  await expect(page.getByRole("heading", { name: t(`${RG}:title`), level: 1 })).toBeVisible();

  // 2. A first daily deposit limit of 100.00: in force at once.
  const deposits = dailyOf(page, t, t(`${RG}:limits.deposit.title`));
  await expect(figure(deposits, t(`${RG}:limits.current`))).toHaveText(
    t(`${RG}:limits.none`),
    SLOW,
  );
  await changeLimit(deposits, t, t(`${RG}:limits.set`), "100", new RegExp(literal(money(100_00))));
  await expect(figure(deposits, t(`${RG}:limits.current`))).toHaveText(money(100_00), SLOW);

  // 3. Raised to 200.00: the question says 24 hours; 100.00 stays, 200.00 is pending.
  await changeLimit(
    deposits,
    t,
    t(`${RG}:limits.change`),
    "200",
    // "… to 200.00? For your protection it takes effect in 24 hours …"
    new RegExp(`${literal(money(200_00))}.*24`),
  );
  const pending = figure(deposits, t(`${RG}:limits.pending`));
  await expect(pending).toContainText(money(200_00), SLOW);
  await expect(figure(deposits, t(`${RG}:limits.current`))).toHaveText(money(100_00));

  // 4. A daily loss limit of 50.00.
  const losses = dailyOf(page, t, t(`${RG}:limits.loss.title`));
  await changeLimit(losses, t, t(`${RG}:limits.set`), "50", new RegExp(literal(money(50_00))));
  await expect(figure(losses, t(`${RG}:limits.current`))).toHaveText(money(50_00), SLOW);

  // 5. A 1-day time-out (24 hours, the first choice): what stops, what stays, that it is final.
  const timeOut = page.locator("section.card").filter({
    has: page.getByRole("heading", { name: t(`${RG}:timeOut.title`), exact: true }),
  });
  await timeOut.getByRole("radio", { name: t(`${RG}:timeOut.preset.1`), exact: true }).check();
  await timeOut.getByRole("button", { name: t(`${RG}:timeOut.take`), exact: true }).click();
  const question = timeOut.getByRole("group", {
    name: new RegExp(`^${literal(lead(t(`${RG}:timeOut.confirm`)))}`),
  });
  await expect(question).toContainText(t(`${RG}:confirm.stops`));
  await expect(question).toContainText(t(`${RG}:confirm.stays`));
  await expect(question).toContainText(t(`${RG}:confirm.final`));
  await question.getByRole("button", { name: t(`${RG}:timeOut.take`), exact: true }).click();
  const banner = page.locator(".rg-banner");
  await expect(banner).toContainText(lead(t(`${RG}:banner.time_out`)), SLOW);
  await expect(banner).toContainText(t(`${RG}:banner.final`));
  await looked(page, "responsible-gambling");

  // 6. The bet slip says betting is paused, in words, before any bet is tried.
  await page.goto("/");
  const slip = await openSlip(page);
  await expect(slip.locator(".rg-notice")).toContainText(lead(t(`${RG}:notice.bets`)), SLOW);
  await looked(page, "bet-slip-restricted");

  // 7. The deposit panel says deposits are paused instead of offering the forms.
  await page.goto("/wallet");
  const notice = page.locator("#deposit .rg-notice");
  await expect(notice).toContainText(lead(t(`${RG}:notice.deposits`)), SLOW);
  await expect(page.getByRole("tablist", { name: t("wallet:deposit.tabs") })).toHaveCount(0);
  await looked(page, "wallet-restricted");

  // 8. The admin's user page: the time-out (cannot be lifted early) and the limits, read only.
  const userId = await userIdOf(user);
  const admin = await adminPage(browser, baseURL ?? "", preferences);
  await signInBrowser(admin.page, adminUser(), `/admin/users/${userId}`);
  const card = admin.page.locator("section.card").filter({
    has: admin.page.getByRole("heading", {
      name: t("admin:users.responsibleGambling"),
      exact: true,
    }),
  });
  await expect(card).toContainText(lead(t(`${RG}:admin.time_out`)), SLOW);
  await expect(card).toContainText(t(`${RG}:admin.cannotLift`));
  await expect(card.getByRole("button")).toHaveCount(0);
  const adminDeposits = card.locator("li.rg-period").first();
  await expect(figure(adminDeposits, t(`${RG}:limits.current`))).toHaveText(money(100_00), SLOW);
  await expect(figure(adminDeposits, t(`${RG}:limits.pending`))).toContainText(money(200_00));
  await expect(card.locator("li.rg-period").nth(3)).toContainText(money(50_00));
  await looked(admin.page, "admin-user-responsible-gambling");
  await admin.context.close();
  expect(admin.problems, "uncaught errors and CSP violations in the admin's page").toEqual([]);
});
