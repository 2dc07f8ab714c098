/**
 * The keyboard alone: a bettor who never touches a pointer deposits with the card form and
 * places a bet from the slip. Every control on the way is reached with Tab, shows where the
 * focus is, and works with Enter or Space; a field is typed into where the focus landed.
 * Desktop projects only (a phone has no Tab key; playwright.config.ts).
 */
import type { Locator, Page } from "@playwright/test";
import { expect, test } from "./support/fixtures";
import { adminToken, createCatalogue } from "./support/journey-admin";
import { literal, moneyText } from "./support/journey-pages";
import { newUser, signInBrowser, signUpVerified } from "./support/users";

const SLOW = { timeout: 20_000 };
const exact = { exact: true };
// Enough for the header, the navigation and a page's controls; more means "not reachable".
const MAX_TABS = 80;

/** Tab until `target` has the focus, and check that the focus shows (an outline or a ring). */
async function tabTo(page: Page, target: Locator): Promise<void> {
  for (let pressed = 0; pressed < MAX_TABS; pressed += 1) {
    if (await target.evaluate((el) => el === document.activeElement).catch(() => false)) {
      const ring = await target.evaluate((el) => {
        const style = getComputedStyle(el);
        return style.outlineStyle !== "none" || style.boxShadow !== "none";
      });
      expect(ring, "the focused control shows its focus").toBe(true);
      return;
    }
    await page.keyboard.press("Tab");
  }
  throw new Error(`not reached with ${MAX_TABS} presses of Tab: ${target.toString()}`);
}

test("deposit and place a bet with the keyboard alone", async ({ page, t, preferences }) => {
  const catalogue = await createCatalogue(await adminToken(), [["Keys", "Mice", [1.85, 3.4, 4.2]]]);
  const [event] = catalogue.events;
  if (!event) throw new Error("no event created");
  const user = await signUpVerified(newUser("keyboard"));
  await signInBrowser(page, user, "/wallet");

  // The deposit form: amount, Enter; the card form: number, expiry, CVC, Enter.
  const deposit = page.locator("#deposit");
  await tabTo(page, deposit.getByLabel(t("wallet:deposit.amount"), exact));
  await page.keyboard.type("50.00");
  await page.keyboard.press("Enter");
  const card = deposit.getByLabel(t("wallet:deposit.card"), exact);
  await expect(card).toBeVisible();
  await tabTo(page, card);
  await page.keyboard.type("4242 4242 4242 4242");
  await tabTo(page, deposit.getByLabel(t("wallet:deposit.expiry"), exact));
  await page.keyboard.type("12/34");
  await tabTo(page, deposit.getByLabel(t("wallet:deposit.cvc"), exact));
  await page.keyboard.type("123");
  await page.keyboard.press("Enter");
  await expect(page).toHaveURL(/\/wallet\/deposit\/done/, SLOW);
  const back = page.getByRole("link", { name: t("wallet:done.back"), exact: true });
  await expect(back).toBeVisible(SLOW);

  // The event page: the home win's price, Space adds it to the slip.
  await page.goto(`/events/${event.event_id}`);
  const home = page.getByRole("button", {
    name: new RegExp(`^${literal(`${t("betslip:selections.1x2.1")}, 1.85`)}`),
  });
  await tabTo(page, home.first());
  await page.keyboard.press("Space");
  await expect(home.first()).toHaveAttribute("aria-pressed", "true");

  // The slip: the stake, then the place button, Enter.
  const slip = page.locator(".betslip-body");
  await tabTo(page, slip.getByLabel(t("betslip:stake"), exact));
  await page.keyboard.type("10");
  // The potential win as typed: 10 × 1.85.
  await expect(slip.locator(".betslip-total-win")).toHaveText(
    moneyText(18_50, preferences.language),
  );
  await tabTo(page, slip.getByRole("button", { name: t("betslip:place_one"), exact: true }));
  await page.keyboard.press("Enter");
  await expect(slip.locator(".betslip-receipt").first()).toContainText(
    t("betslip:receipt.open"),
    SLOW,
  );
});
