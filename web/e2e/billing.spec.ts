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
import type { Page } from "@playwright/test";
import { expect, test } from "./support/fixtures";
import { fill, lead, type Translate } from "./support/i18n";
import { adminUser } from "./support/journey-admin";
import { createPackageInAdmin, literal, looked } from "./support/journey-pages";
import { balanceOf, fundedUser, signInBrowser, type User } from "./support/users";

const SLOW = { timeout: 20_000 };
const exact = { exact: true };

async function availableOf(user: User): Promise<string> {
  return (await balanceOf(user)).available_balance;
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

test("the admin makes a plan and a package; a funded bettor subscribes and buys units", async ({
  page,
  t,
  cash,
  openAdmin,
}) => {
  test.setTimeout(180_000);
  const tag = randomUUID().slice(0, 6);
  const planName = `E2E Pro ${tag}`;
  const packageName = `E2E Tips ${tag}`;

  const user = await fundedUser("billing", "100.00");
  expect(await availableOf(user)).toBe("100.00");

  // 1. The admin area: a plan (4.99 per hour, exports_plus) and a package (10 units, 30 days).
  const admin = await openAdmin();
  await signInBrowser(admin.page, adminUser(), "/admin");
  await expect(
    admin.page.getByRole("heading", { name: t("admin:dashboard.title"), level: 1 }),
  ).toBeVisible(SLOW);
  await createPlan(admin.page, t, planName);
  await looked(admin.page, "admin-plans");
  const packageRow = await createPackageInAdmin(admin.page, t, {
    name: packageName,
    kind: "units",
    units: "10",
    price: "9.99",
    validity_days: "30",
  });
  await expect(packageRow).toContainText(t("admin:plans.onSale"));
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
