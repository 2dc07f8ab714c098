/**
 * A new bettor in the browser: sign up (name, email, password) → the six-digit code from the
 * mail → confirm → sign in, remembered → the header shows the account, and a reload keeps the
 * session; and the Google and GitHub buttons, through the local OAuth provider and back to the
 * app's callback page, signed in. Each page: a screenshot (docs/screenshots/), axe, and no sideways scrolling.
 */
import type { Page } from "@playwright/test";
import { expectAccessible } from "./support/axe";
import { expect, test } from "./support/fixtures";
import { expectFitsViewport } from "./support/layout";
import { codeFor } from "./support/mail";
import { platform } from "./support/platform";
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

/** Who the local OAuth provider signs in next (its test control; consent is automatic). */
async function providerSignsIn(user: { sub: string; email: string; name: string }) {
  const answer = await fetch(`${platform().oauth_url}/_test/user`, {
    method: "POST",
    headers: { "content-type": "application/json" },
    body: JSON.stringify(user),
  });
  if (!answer.ok) throw new Error(`the OAuth provider refused the user: ${answer.status}`);
}

for (const [provider, label] of [
  ["google", "Google"],
  ["github", "GitHub"],
] as const) {
  test(`${label}: the provider's consent lands back in the app, signed in where the user was going`, async ({
    page,
    t,
  }) => {
    const user = newUser(`oauth-${provider}`);
    await providerSignsIn({ sub: `${provider}-${user.email}`, email: user.email, name: user.name });

    await page.goto("/sign-in?next=%2Fprofile");
    const button = t("auth:oauth.continueWith").replace("{{provider}}", label);
    await page.getByRole("button", { name: button, exact: true }).click();

    // API → provider → /auth/callback/{provider} (the app's page) → tokens → where they were going.
    await expect(page).toHaveURL(/\/profile$/);
    await expect(page.getByLabel(t("profile:account.name"), { exact: true })).toHaveValue(
      user.name,
    );
    await expect(page.getByLabel(t("profile:account.email"), { exact: true })).toHaveValue(
      user.email,
    );
    // The provider vouched for the address: confirmed, no emailed code asked for.
    await expect(page.getByText(t("profile:account.verified"))).toBeVisible();
    await openNavigation(page, t);
    await expect(page.getByRole("button", { name: t("nav.signOut"), exact: true })).toBeVisible();
  });
}
