/**
 * A new bettor in the browser: sign up (name, email, password) → the six-digit code from the
 * mail → confirm → sign in, remembered → the header shows the account, and a reload keeps the
 * session. Each page: a screenshot (docs/screenshots/), axe, and no sideways scrolling.
 */
import type { Page } from "@playwright/test";
import { expectAccessible } from "./support/axe";
import { expect, test } from "./support/fixtures";
import { expectFitsViewport } from "./support/layout";
import { codeFor } from "./support/mail";
import { openNavigation } from "./support/shell";
import { shot } from "./support/shots";
import { newUser } from "./support/users";

/** The page as the docs show it, then what every page owes its users. */
async function looked(page: Page, name: string): Promise<void> {
  await shot(page, name);
  await expectAccessible(page);
  await expectFitsViewport(page);
}

test("sign up, confirm the emailed code, sign in remembered; a reload keeps the session", async ({
  page,
  t,
}) => {
  const user = newUser("auth");
  const exact = { exact: true };

  await page.goto("/sign-up");
  await expect(page.getByRole("heading", { name: t("auth:signUp.title") })).toBeVisible();
  await looked(page, "sign-up");
  await page.getByLabel(t("auth:fields.name"), exact).fill(user.name);
  await page.getByLabel(t("auth:fields.email"), exact).fill(user.email);
  await page.getByLabel(t("auth:fields.password"), exact).fill(user.password);
  await page.getByRole("button", { name: t("auth:signUp.submit"), exact: true }).click();

  await expect(page).toHaveURL(/\/verify-email\?/);
  await expect(page.getByRole("heading", { name: t("auth:verify.title") })).toBeVisible();
  await expect(page.getByLabel(t("auth:fields.email"), exact)).toHaveValue(user.email);
  await looked(page, "verify-email");
  await page.getByLabel(t("auth:fields.code"), exact).fill(await codeFor(user.email));
  await page.getByRole("button", { name: t("auth:verify.submit"), exact: true }).click();

  await expect(page).toHaveURL(/\/sign-in\?/);
  await expect(page.getByText(t("auth:signIn.notice.verified"))).toBeVisible();
  await expect(page.getByLabel(t("auth:fields.email"), exact)).toHaveValue(user.email);
  await page.getByLabel(t("auth:fields.password"), exact).fill(user.password);
  await page.getByLabel(t("auth:signIn.rememberMe")).check();
  await looked(page, "sign-in");
  await page.getByRole("button", { name: t("auth:signIn.submit"), exact: true }).click();

  const profile = page.getByRole("link", { name: t("nav.profile"), exact: true });
  const signOut = page.getByRole("button", { name: t("nav.signOut"), exact: true });
  await expect(page).toHaveURL(/\/$/);
  // Remembered: the refresh token outlives the tab (localStorage, not sessionStorage).
  await expect
    .poll(() => page.evaluate(() => localStorage.getItem("looseline.refresh")))
    .toBeTruthy();
  await looked(page, "main-signed-in");
  await openNavigation(page, t);
  await expect(profile).toBeVisible();
  await expect(signOut).toBeVisible();

  // Twice: the first reload fetches this page's HTML anew, the second revalidates the cached
  // copy (a 304, whose headers the browser merges into it) — both must start the app signed in.
  for (const time of ["first", "second"]) {
    await page.reload();
    await expect(page.locator("#content"), `${time} reload`).toBeVisible();
    await openNavigation(page, t);
    await expect(profile).toBeVisible();
    await expect(signOut).toBeVisible();
    await expect(page.getByRole("link", { name: t("nav.signIn"), exact: true })).toHaveCount(0);
  }
});
