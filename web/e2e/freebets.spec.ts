/**
 * Free bets in the browser (issue 22), once per project (en-light, ru-dark, a 360 px phone): the
 * admin makes a free-bet package in the admin area (2 free bets of 5.00 for 3.00, 7 days); a
 * bettor whose wallet holds 20.00 (a card deposit through the Stripe simulator) buys it with the
 * balance and places a single from the slip with a free bet.
 *
 * By hand: 20.00 − 3.00 (the package) = 17.00; the free bet of 5.00 on home @ 1.85 would pay
 * 9.25, of which the winnings are 9.25 − 5.00 = 4.25; it holds none of the user's money, so the
 * balance stays 17.00 available and nothing is locked; one free bet of 5.00 is left.
 *
 * Only the deposit and the catalogue go through the API (this is about the slip).
 */
import { randomUUID } from "node:crypto";
import { fileURLToPath } from "node:url";
import type { Page } from "@playwright/test";
import { expect, test } from "./support/fixtures";
import { fill, lead, type Language, type Translate } from "./support/i18n";
import {
  adminToken,
  adminUser,
  createCatalogue,
  oddOf,
  type CreatedEvent,
} from "./support/journey-admin";
import { createPackageInAdmin, literal, looked, openSlip } from "./support/journey-pages";
import { balanceOf, fundedUser, signInBrowser } from "./support/users";

const SLOW = { timeout: 20_000 };
const exact = { exact: true };
const SHOTS = fileURLToPath(new URL("../../docs/screenshots/", import.meta.url));

/** The plural form i18next picks for 2 (English "other", Russian "few"). */
function two(language: Language): string {
  return language === "ru" ? "few" : "other";
}

/** A phone project is dark only: its light slip is drawn here, with the header's own button. */
async function phoneInLight(page: Page, t: Translate, name: string): Promise<void> {
  if (!test.info().project.use.isMobile) return;
  const toggle = (to: "light" | "dark") =>
    page
      .getByRole("button", {
        name: t(to === "dark" ? "prefs.switchToDark" : "prefs.switchToLight"),
        exact: true,
        includeHidden: true,
      })
      .evaluate((button: HTMLElement) => button.click());
  await toggle("light");
  await expect(page.locator("html")).toHaveAttribute("data-theme", "light");
  await page.evaluate(async () => {
    await document.fonts.ready;
  });
  await page.screenshot({
    path: `${SHOTS}${name}-phone-light.png`,
    fullPage: true,
    animations: "disabled",
    caret: "hide",
  });
  await toggle("dark");
  await expect(page.locator("html")).toHaveAttribute("data-theme", "dark");
}

test("a bettor buys a free-bet package and places a single with it from the slip", async ({
  page,
  t,
  money,
  cash,
  preferences,
  openAdmin,
}) => {
  test.setTimeout(180_000);
  const language = preferences.language;
  const tag = randomUUID().slice(0, 6);
  const packageName = `E2E Free bets ${tag}`;

  const user = await fundedUser("freebets", "20.00");
  const catalogue = await createCatalogue(await adminToken(), [
    ["Freebet Rovers", "Stake City", [1.85, 3.4, 4.2]],
  ]);
  const [event] = catalogue.events as [CreatedEvent];

  // 1. The admin area: a free-bet package, 2 bets of 5.00 for 3.00, valid 7 days.
  const admin = await openAdmin();
  await signInBrowser(admin.page, adminUser(), "/admin");
  // The session first (its refresh token is spent once): then another page of the area.
  await expect(
    admin.page.getByRole("heading", { name: t("admin:dashboard.title"), level: 1 }),
  ).toBeVisible(SLOW);
  const packageRow = await createPackageInAdmin(admin.page, t, {
    name: packageName,
    kind: "free_bet",
    units: "2",
    price: "3.00",
    validity_days: "7",
    stake: "5.00",
  });
  await expect(packageRow).toContainText(t("admin:packages.kinds.free_bet"));
  await admin.context.close();

  // 2. Packages: bought with the balance; 2 free bets held; 3.00 gone.
  await signInBrowser(page, user, "/wallet/packages");
  const pack = page.getByRole("article", { name: packageName, exact: true });
  await expect(pack).toContainText(cash(3_00), SLOW);
  const buy = pack.getByRole("button", { name: t("billing:actions.buyBalance"), exact: true });
  await buy.click();
  await buy.click(); // the confirmation
  const holding = page.locator("li.billing-holding").filter({ hasText: packageName });
  await expect(holding).toContainText(
    fill(t(`billing:mine.freeBetsLeft_${two(language)}`), { count: 2 }),
    SLOW,
  );
  await expect(page.locator(".wallet-badge-button")).toContainText(cash(17_00), SLOW);

  // 3. The slip: the pick, then "Use a free bet" with its stake and the winnings only.
  await page.goto(`/events/${event.event_id}`);
  await expect(page.getByRole("heading", { level: 1 })).toContainText(event.home_team, SLOW);
  const price = oddOf(event, "1");
  expect(Number(price.coefficient)).toBe(1.85);
  const pick = page.getByRole("button", {
    name: new RegExp(`^${literal(`${t("betslip:selections.1x2.1")}, 1.85`)}`),
  });
  await pick.click();
  await expect(pick).toHaveAttribute("aria-pressed", "true");
  const slip = await openSlip(page);
  const toggle = slip.getByRole("checkbox", { name: t("betslip:freeBet.use"), exact: true });
  await expect(toggle).toBeVisible(SLOW);
  await expect(toggle).not.toBeChecked();
  await toggle.check();
  const choice = slip.getByRole("radio", {
    name: new RegExp(
      `^${literal(lead(fill(t(`betslip:freeBet.choice_${two(language)}`), { stake: money(5_00), count: 2 })))}`,
    ),
  });
  await expect(choice).toBeChecked();
  const stake = slip.getByLabel(t("betslip:stake"), exact);
  await expect(stake).toHaveValue("5.00");
  await expect(stake).toHaveAttribute("readonly", "");
  const totals = slip.locator(".betslip-totals");
  await expect(totals).toContainText(t("betslip:freeBet.badge"));
  await expect(totals).toContainText(t("betslip:freeBet.winnings"));
  await expect(slip.locator(".betslip-total-win")).toHaveText(money(4_25));
  await expect(slip).toContainText(t("betslip:freeBet.winningsNote"));
  // A phone's sheet scrolls inside: the shot shows the free bet down to its winnings.
  await slip.locator(".betslip-totals").evaluate((totals) => totals.scrollIntoView(false));
  await looked(page, "bet-slip-free-bet");
  await phoneInLight(page, t, "bet-slip-free-bet");

  await slip.getByRole("button", { name: t("betslip:place_one"), exact: true }).click();
  const receipt = slip.locator(".betslip-receipt").first();
  await expect(receipt).toContainText(t("betslip:receipt.open"), SLOW);
  await expect(receipt).toContainText(t("betslip:freeBet.badge"));
  await expect(toggle).toBeHidden(); // the slip is empty: nothing left to stake

  // 4. The stake held none of the user's money: 17.00 available, nothing locked.
  await expect(page.locator(".wallet-badge-button")).toContainText(cash(17_00));
  expect(await balanceOf(user)).toEqual(
    expect.objectContaining({
      current_balance: "17.00",
      available_balance: "17.00",
      locked_in_bets: "0.00",
    }),
  );

  // 5. My bets: the bet open, with the "Free bet" badge and its winnings to win.
  await page.goto("/bets");
  const row = page.locator("tr.bets-row").filter({ hasText: event.home_team });
  await expect(row).toHaveCount(1, SLOW);
  await expect(row).toContainText(t("bets:status.open"));
  await expect(row).toContainText(t("bets:freeBet.badge"));
  await expect(row).toContainText(t("bets:money.toWin"));
  await expect(row).toContainText(cash(4_25));

  // 6. One free bet of 5.00 left on the packages page.
  await page.goto("/wallet/packages");
  await expect(page.locator("li.billing-holding").filter({ hasText: packageName })).toContainText(
    fill(t("billing:mine.freeBetsLeft_one"), { count: 1 }),
    SLOW,
  );
});
