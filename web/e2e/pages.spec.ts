/**
 * The pages the journey does not pass through, each screenshotted, checked by axe and (phone)
 * for sideways scrolling: a forgotten password reset end to end, the Checkout cancel page, the
 * OAuth landing refused in words, an unknown address, and the offline banner.
 */
import type { Page } from "@playwright/test";
import { expectAccessible } from "./support/axe";
import { expect, test } from "./support/fixtures";
import { expectFitsViewport } from "./support/layout";
import { codeFor, nextCodeFor } from "./support/mail";
import { shot } from "./support/shots";
import { signInBrowser, signUpVerified } from "./support/users";

async function looked(page: Page, name: string): Promise<void> {
  await shot(page, name);
  await expectAccessible(page);
  await expectFitsViewport(page);
}

test("a forgotten password is reset with the mailed code, and the new one signs in", async ({
  page,
  t,
}) => {
  const user = await signUpVerified();
  const signUpCode = await codeFor(user.email);
  const exact = { exact: true };

  await page.goto("/sign-in");
  await page.getByRole("link", { name: t("auth:signIn.forgot"), exact: true }).click();
  await expect(page.getByRole("heading", { name: t("auth:forgot.title") })).toBeVisible();
  await page.getByLabel(t("auth:fields.email"), exact).fill(user.email);
  await looked(page, "forgot-password");
  await page.getByRole("button", { name: t("auth:forgot.submit"), exact: true }).click();

  await expect(page).toHaveURL(/\/reset-password\?/);
  await expect(page.getByText(t("auth:reset.sent"))).toBeVisible();
  const newPassword = `${user.password}-new`;
  await page
    .getByLabel(t("auth:fields.code"), exact)
    .fill(await nextCodeFor(user.email, signUpCode));
  // By role: in Russian the page's title is the field's label too ("Новый пароль").
  await page
    .getByRole("textbox", { name: t("auth:fields.newPassword"), exact: true })
    .fill(newPassword);
  await looked(page, "reset-password");
  await page.getByRole("button", { name: t("auth:reset.submit"), exact: true }).click();

  await expect(page).toHaveURL(/\/sign-in\?/);
  await expect(page.getByText(t("auth:signIn.notice.reset"))).toBeVisible();
  await page.getByLabel(t("auth:fields.password"), exact).fill(newPassword);
  await page.getByRole("button", { name: t("auth:signIn.submit"), exact: true }).click();
  await expect(page).toHaveURL(/\/$/);
  await expect(page.getByRole("link", { name: t("nav.signIn"), exact: true })).toHaveCount(0);
});

test("the Checkout cancel page, a refused OAuth landing, an unknown page, offline", async ({
  page,
  context,
  t,
}) => {
  await signInBrowser(page, await signUpVerified(), "/wallet/deposit/cancelled");
  await expect(page.getByRole("heading", { name: t("wallet:cancelled.title") })).toBeVisible();
  await looked(page, "deposit-cancelled");

  // No state cookie, no code: the API refuses, and the page says so in words (no raw JSON).
  await page.goto("/auth/callback/github?code=forged&state=forged");
  await expect(page.getByRole("alert")).toHaveText(/\S/);
  await expect(page.getByText("{")).toHaveCount(0);
  await looked(page, "oauth-refused");

  await page.goto("/no/such/page");
  await expect(page.getByRole("heading", { name: t("state.notFound") })).toBeVisible();
  await looked(page, "not-found");

  // Offline once the page is there: the banner over what the user already sees.
  await page.goto("/");
  await expect(page.locator("button[aria-pressed]").first()).toBeVisible();
  await expect(page.locator('[aria-busy="true"]')).toHaveCount(0); // every list in, not just one
  await context.setOffline(true);
  await expect(page.getByRole("status").filter({ hasText: t("state.offline") })).toBeVisible();
  await looked(page, "offline");
  await context.setOffline(false);
});
