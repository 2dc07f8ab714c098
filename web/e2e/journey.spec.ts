/**
 * A new bettor's and the admin's journey in the browser, once per project (en-light, ru-dark,
 * a 360 px phone). Every figure is computed by hand here (the same story as
 * tests/e2e/test_new_bettor_journey.py):
 *
 * - deposits 500.00 (new card 4242…) + 100.00 (the 3-D Secure card, challenge completed) = 600.00;
 * - a single 100.00 on E1 home @ 1.85 (to win 185.00); an accumulator 50.00 on E1 home 1.85 ×
 *   E3 away 1.50 = 2.775 → 2.78 (to win 139.00); a single 20.00 on E2 home @ 2.10, moved by the
 *   admin to 2.25 while in the slip, accepted (to win 45.00) → available 430.00, locked 170.00;
 * - the admin settles in the admin area E1 2:1, E2 0:0, E3 0:1 → won 185.00 + 139.00, lost 20.00
 *   → 430.00 + 324.00 = 754.00; statistics: 3 settled, 2 won, net +154.00, ROI 90.59 %;
 * - a PDF report; a bank account the admin verifies; 150.00 withdrawn, approved → 604.00.
 *
 * Only the catalogue and the moved price go through the API (the issue does not name them).
 */
import type { Page } from "@playwright/test";
import { expect, test } from "./support/fixtures";
import { lead, type Language, type Translate } from "./support/i18n";
import {
  adminToken,
  adminUser,
  createCatalogue,
  setPrice,
  userIdOf,
  type Catalogue,
  type CreatedEvent,
} from "./support/journey-admin";
import {
  closeSlip,
  CURRENCY,
  figure,
  literal,
  looked,
  moneyText,
  openSlip,
} from "./support/journey-pages";
import { openNavigation } from "./support/shell";
import { shot } from "./support/shots";
import { newUser, signInBrowser, signUpVerified, type User } from "./support/users";

const SLOW = { timeout: 20_000 };
const exact = { exact: true };

interface Story {
  page: Page;
  t: Translate;
  language: Language;
  money: (cents: number) => string;
  cash: (cents: number) => string;
}

async function balanceIs(s: Story, current: number, available: number, locked: number) {
  const { page, t } = s;
  const card = page.locator("section.wallet-section").first();
  await expect(figure(card, t("wallet:balance.current"))).toHaveText(s.cash(current), SLOW);
  await expect(figure(card, t("wallet:balance.available"))).toHaveText(s.cash(available));
  await expect(figure(card, t("wallet:balance.locked"))).toHaveText(s.cash(locked));
}

async function depositWithCard(s: Story, amount: string, card: string): Promise<void> {
  const { page, t } = s;
  const deposit = page.locator("#deposit");
  await deposit.getByLabel(t("wallet:deposit.amount"), exact).fill(amount);
  await deposit.getByRole("button", { name: t("wallet:deposit.continue"), exact: true }).click();
  await deposit.getByLabel(t("wallet:deposit.card"), exact).fill(card);
  await deposit.getByLabel(t("wallet:deposit.expiry"), exact).fill("12/34");
  await deposit.getByLabel(t("wallet:deposit.cvc"), exact).fill("123");
  await deposit
    .getByRole("button", { name: new RegExp(`^${literal(lead(t("wallet:deposit.pay")))}`) })
    .click();
}

async function depositCredited(s: Story, cents: number): Promise<void> {
  const { page, t } = s;
  await expect(page).toHaveURL(/\/wallet\/deposit\/done/, SLOW);
  const credited = page.getByText(new RegExp(literal(lead(t("wallet:done.credited")))));
  await expect(credited).toContainText(s.cash(cents), SLOW);
  await page.getByRole("link", { name: t("wallet:done.back"), exact: true }).click();
  await expect(page).toHaveURL(/\/wallet$/);
}

/** The card of an event in a list, by its home team. */
function eventCard(page: Page, event: CreatedEvent) {
  return page.locator("article.events-card").filter({ hasText: event.home_team });
}

async function pick(s: Story, event: CreatedEvent, betType: string, price: string) {
  const { page, t } = s;
  await closeSlip(page);
  const name = `${t(`betslip:selections.1x2.${betType}`)}, ${price}`;
  const button = eventCard(page, event).getByRole("button", {
    name: new RegExp(`^${literal(name)}`),
  });
  await button.click();
  await expect(button).toHaveAttribute("aria-pressed", "true");
}

async function goNav(s: Story, name: string): Promise<void> {
  await openNavigation(s.page, s.t);
  await s.page
    .getByRole("navigation", { name: s.t("nav.main") })
    .getByRole("link", { name })
    .click();
}

/** In the admin area: open the event, start it, settle it with a score. */
async function settleInAdmin(
  admin: Page,
  t: Translate,
  event: CreatedEvent,
  score: [number, number],
  screenshot: boolean,
) {
  // The list filtered to the journey's events ("← All events" drops the filter).
  await admin.goto(`/admin/events?q=${encodeURIComponent(event.home_team)}`);
  await admin
    .locator("table.admin-table")
    .getByRole("link", { name: new RegExp(literal(event.home_team)) })
    .click();
  await expect(admin.getByRole("heading", { level: 1 })).toContainText(event.home_team);
  if (screenshot) await looked(admin, "admin-event");
  const start = admin.getByRole("button", { name: t("admin:actions.start"), exact: true });
  await start.click();
  await start.click(); // the same label confirms
  const settle = admin.getByRole("form", { name: t("admin:actions.settle"), exact: true });
  await expect(settle).toBeVisible(SLOW);
  await settle.getByLabel(t("admin:fields.homeScore"), exact).fill(String(score[0]));
  await settle.getByLabel(t("admin:fields.awayScore"), exact).fill(String(score[1]));
  const button = settle.getByRole("button", { name: t("admin:actions.settle"), exact: true });
  await button.click();
  await button.click(); // the confirmation
  // Settled: the event is finished (the settle form gives way to "Resettle").
  await expect(figure(admin, t("admin:fields.status"))).toHaveText(
    t("admin:status.finished"),
    SLOW,
  );
  await expect(figure(admin, t("admin:fields.score"))).toHaveText(`${score[0]}:${score[1]}`);
}

test("a bettor deposits, bets, watches the admin settle live, exports, withdraws", async ({
  page,
  t,
  preferences,
  openAdmin,
}) => {
  test.setTimeout(240_000);
  const language = preferences.language;
  const s: Story = {
    page,
    t,
    language,
    money: (cents) => moneyText(cents, language),
    cash: (cents) => moneyText(cents, language, CURRENCY),
  };
  const user: User = await signUpVerified(newUser("journey"));
  const token = await adminToken();
  const catalogue: Catalogue = await createCatalogue(token, [
    ["Arsenal", "Chelsea", [1.85, 3.4, 4.2]],
    ["Porto", "Benfica", [2.1, 3.2, 3.3]],
    ["Ajax", "Feyenoord", [4.0, 3.6, 1.5]],
  ]);
  const [e1, e2, e3] = catalogue.events as [CreatedEvent, CreatedEvent, CreatedEvent];

  // 2. Wallet: a new card, then the 3-D Secure card through the simulator's challenge page.
  await signInBrowser(page, user, "/wallet");
  await expect(page.getByRole("heading", { name: t("wallet:title"), level: 1 })).toBeVisible();
  await balanceIs(s, 0, 0, 0);
  await looked(page, "wallet");
  await depositWithCard(s, "500.00", "4242 4242 4242 4242");
  await depositCredited(s, 500_00);
  await balanceIs(s, 500_00, 500_00, 0);

  await depositWithCard(s, "100.00", "4000 0025 0000 3155");
  const complete = page.getByRole("button", { name: "Complete authentication" });
  await expect(complete).toBeVisible(SLOW);
  await shot(page, "deposit-3ds");
  await complete.click();
  await depositCredited(s, 100_00);
  await balanceIs(s, 600_00, 600_00, 0);

  // 3. The catalogue in the app: the sport's tab, the league filter, the event page.
  await page.goto("/");
  const sportTab = page.getByRole("tab", { name: new RegExp(literal(catalogue.sport.name)) });
  await sportTab.click();
  await expect(sportTab).toHaveAttribute("aria-selected", "true");
  await page.getByLabel(t("events:league"), exact).selectOption({ label: catalogue.league.name });
  await expect(page.locator("article.events-card")).toHaveCount(3, SLOW);
  const listing = page.url();
  await looked(page, "main");
  await eventCard(page, e1)
    .getByRole("link", { name: new RegExp(literal(e1.home_team)) })
    .click();
  await expect(page.getByRole("heading", { level: 1 })).toContainText(e1.home_team);
  // The odds history is drawn once its card comes near the screen (below the markets).
  await page.locator(".events-history").scrollIntoViewIfNeeded();
  const chart = page.getByRole("img", {
    name: new RegExp(`^${literal(lead(t("events:history.label")))}`),
  });
  await expect(chart).toBeVisible(SLOW);
  await looked(page, "event");
  await page.goto("/live");
  await expect(page.locator("#content h1, #content h2").first()).toBeVisible();
  await looked(page, "live");
  await page.goto(listing);
  await expect(page.locator("article.events-card")).toHaveCount(3, SLOW);

  // A single: the exact potential win before placing, then the receipt.
  await pick(s, e1, "1", "1.85");
  let slip = await openSlip(page);
  await slip.getByLabel(t("betslip:stake"), exact).fill("100.00");
  await expect(slip.locator(".betslip-win")).toContainText(s.money(185_00));
  await expect(slip.locator(".betslip-total-win")).toHaveText(s.money(185_00));
  await looked(page, "bet-slip");
  await slip.getByRole("button", { name: t("betslip:place_one"), exact: true }).click();
  const receipts = slip.locator(".betslip-receipt");
  await expect(receipts.first()).toContainText(t("betslip:receipt.open"), SLOW);
  await expect(receipts.first()).toContainText(s.money(185_00));

  // An accumulator of two legs: 1.85 × 1.50 = 2.775 → 2.78; 50.00 × 2.78 = 139.00.
  await pick(s, e1, "1", "1.85");
  await pick(s, e3, "2", "1.50");
  slip = await openSlip(page);
  await slip.getByRole("button", { name: t("betslip:coupon"), exact: true }).click();
  await expect(slip.locator(".betslip-coupon-odds .num")).toHaveText("2.78");
  await slip.getByLabel(t("betslip:couponStake"), exact).fill("50.00");
  await expect(slip.locator(".betslip-total-win")).toHaveText(s.money(139_00));
  await slip.getByRole("button", { name: t("betslip:placeCoupon"), exact: true }).click();
  await expect(receipts).toHaveCount(2, SLOW);
  await expect(receipts.first()).toContainText(t("betslip:receipt.open"), SLOW);
  await expect(receipts.first()).toContainText(s.money(139_00));
  await slip.getByRole("button", { name: t("betslip:singles"), exact: true }).click();

  // 4. A moved price: 2.10 in the slip, the admin makes it 2.25, the server says so.
  await pick(s, e2, "1", "2.10");
  slip = await openSlip(page);
  await slip.getByLabel(t("betslip:stake"), exact).fill("20.00");
  await expect(slip.locator(".betslip-total-win")).toHaveText(s.money(42_00));
  await setPrice(token, e2, "1", "2.25");
  await slip.getByRole("button", { name: t("betslip:place_one"), exact: true }).click();
  const prompt = slip.locator(".betslip-prompt");
  await expect(prompt).toContainText(t("betslip:priceMoved.title"), SLOW);
  await expect(prompt).toContainText("2.25");
  await shot(page, "bet-slip-price-moved");
  await prompt.getByRole("button", { name: t("betslip:priceMoved.accept"), exact: true }).click();
  await expect(slip.locator(".betslip-total-win")).toHaveText(s.money(45_00));
  await slip.getByRole("button", { name: t("betslip:place_one"), exact: true }).click();
  await expect(receipts).toHaveCount(3, SLOW);
  await expect(receipts.first()).toContainText(t("betslip:receipt.open"), SLOW);
  await expect(receipts.first()).toContainText("2.25");
  await expect(receipts.first()).toContainText(s.money(45_00));
  await closeSlip(page);

  // My bets: three open bets; the header's balance: 600.00 − 170.00 available.
  await goNav(s, t("nav.myBets"));
  await expect(page).toHaveURL(/\/bets$/);
  const rows = page.locator("tr.bets-row");
  await expect(rows).toHaveCount(3, SLOW);
  const statuses = rows.locator(`td[data-label="${t("bets:table.status")}"]`);
  await expect(statuses.filter({ hasText: t("bets:status.open") })).toHaveCount(3);
  const badge = page.locator(".wallet-badge-button");
  await expect(badge).toContainText(s.cash(430_00), SLOW);
  await looked(page, "my-bets");

  // 5. The admin settles in the admin area while the bettor's My bets stays open.
  // What the suite's `page` fixture checks for the bettor's page, for the admin's too.
  const { page: admin, context: adminContext, problems: adminProblems } = await openAdmin();
  await signInBrowser(admin, adminUser(), "/admin");
  await expect(
    admin.getByRole("heading", { name: t("admin:dashboard.title"), level: 1 }),
  ).toBeVisible(SLOW);
  await looked(admin, "admin-dashboard");
  await admin.goto(`/admin/events?q=${encodeURIComponent(catalogue.token)}`);
  await expect(admin.locator("table.admin-table tbody tr")).toHaveCount(3, SLOW);
  await looked(admin, "admin-events");
  await settleInAdmin(admin, t, e1, [2, 1], true);
  await settleInAdmin(admin, t, e2, [0, 0], false);
  await settleInAdmin(admin, t, e3, [0, 1], false);

  // Settled live (no reload): two won, one lost; 430.00 + 185.00 + 139.00 = 754.00.
  await expect(statuses.filter({ hasText: t("bets:status.won") })).toHaveCount(2, SLOW);
  await expect(statuses.filter({ hasText: t("bets:status.lost") })).toHaveCount(1, SLOW);
  await expect(badge).toContainText(s.cash(754_00), SLOW);

  // 6. One bet, the statistics, a PDF report.
  await rows.first().getByRole("link").first().click();
  await expect(page).toHaveURL(/\/bets\/[^/]+$/);
  await expect(page.getByRole("heading", { name: t("bets:detail.title") })).toBeVisible();
  await looked(page, "bet");
  await page.goto("/bets/stats");
  const percent = (value: number) =>
    new Intl.NumberFormat(language, { style: "percent", maximumFractionDigits: 2 }).format(value);
  await expect(figure(page, t("bets:stats.totalBets"))).toContainText("3", SLOW);
  await expect(figure(page, t("bets:stats.winRate"))).toHaveText(percent(0.6667));
  await expect(figure(page, t("bets:stats.roi"))).toHaveText(percent(0.9059));
  await expect(figure(page, t("bets:stats.netProfit"))).toContainText(s.money(154_00));
  await looked(page, "stats");

  await page.goto("/bets");
  await page.getByLabel(t("reports:formats.pdf"), exact).check();
  await page.getByRole("button", { name: t("reports:submit"), exact: true }).click();
  const download = page.getByRole("link", {
    name: new RegExp(`^${literal(t("reports:download").replace("{{format}}", "PDF"))}`),
  });
  await expect(download).toBeVisible(SLOW);
  const href = await download.getAttribute("href");
  expect(href).toBeTruthy();
  const file = await page.request.get(href ?? "");
  expect(file.status()).toBe(200);
  expect((await file.body()).subarray(0, 4).toString("latin1")).toBe("%PDF");

  // 7. A bank account the admin verifies, a withdrawal the admin approves.
  await page.goto("/wallet");
  await balanceIs(s, 754_00, 754_00, 0);
  const withdraw = page.locator("#withdraw");
  await withdraw.getByLabel(t("wallet:methods.holder"), exact).fill(user.name);
  await withdraw.getByLabel(t("wallet:methods.iban"), exact).fill("DE89370400440532013000");
  await withdraw.getByLabel(t("wallet:methods.bank"), exact).fill("E2E Bank");
  await withdraw.getByRole("button", { name: t("wallet:methods.save"), exact: true }).click();
  await expect(withdraw.getByText(t("wallet:methods.pending"), exact).first()).toBeVisible(SLOW);

  const userId = await userIdOf(user);
  await admin.goto("/admin/withdrawals");
  const methodRow = admin.locator("tr").filter({ hasText: userId.slice(0, 8) });
  await expect(methodRow).toHaveCount(1, SLOW);
  const verify = methodRow.getByRole("button", { name: t("admin:actions.verify"), exact: true });
  await verify.click();
  await verify.click(); // the confirmation
  await expect(methodRow).toHaveCount(0, SLOW);

  await page.reload();
  await expect(withdraw.getByText(t("wallet:methods.verified"), exact).first()).toBeVisible(SLOW);
  await withdraw.getByLabel(t("wallet:withdraw.amount"), exact).fill("150.00");
  await withdraw.getByLabel(t("wallet:withdraw.method"), exact).selectOption({ index: 1 });
  await withdraw.getByRole("button", { name: t("wallet:withdraw.submit"), exact: true }).click();
  await expect(withdraw.getByRole("status").filter({ hasText: s.cash(150_00) })).toBeVisible(SLOW);
  await balanceIs(s, 604_00, 604_00, 0);

  await admin.reload();
  const withdrawalRow = admin.locator("tr").filter({ hasText: userId.slice(0, 8) });
  await expect(withdrawalRow).toHaveCount(1, SLOW);
  await expect(withdrawalRow).toContainText(s.cash(150_00));
  await looked(admin, "admin-withdrawals");
  const approve = withdrawalRow.getByRole("button", {
    name: t("admin:actions.approve"),
    exact: true,
  });
  await approve.click();
  await approve.click(); // the confirmation
  await expect(withdrawalRow).toHaveCount(0, SLOW);

  // The bettor's wallet (still open, no reload) shows it completed; the balance to the cent.
  const mine = withdraw.locator(".wallet-list-item").filter({ hasText: s.cash(150_00) });
  await expect(mine).toContainText(t("wallet:withdraw.status.completed"), SLOW);
  await balanceIs(s, 604_00, 604_00, 0);
  await looked(page, "wallet-history");

  // The remaining pages: the bettor's profile; the admin's users and this user.
  await page.goto("/profile");
  await expect(page.getByRole("heading", { level: 1 })).toBeVisible();
  await looked(page, "profile");
  await admin.goto(`/admin/users`);
  await expect(
    admin.getByRole("heading", { name: t("admin:users.title"), level: 1 }),
  ).toBeVisible();
  await looked(admin, "admin-users");
  await admin.goto(`/admin/users/${userId}`);
  await expect(admin.getByText(user.email).first()).toBeVisible(SLOW);
  await looked(admin, "admin-user");
  await adminContext.close();
  expect(adminProblems, "uncaught errors and CSP violations in the admin's page").toEqual([]);
});
