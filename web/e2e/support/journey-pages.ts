/**
 * The journey's page helpers: figures as the app writes them, the slip, a page's checks, the
 * admin's package form.
 */
import { expect, type Locator, type Page } from "@playwright/test";
import { formatMoney } from "../../src/shared/format/money";
import { expectAccessible } from "./axe";
import type { Language, Translate } from "./i18n";
import { expectFitsViewport } from "./layout";
import { shot } from "./shots";

export const CURRENCY = "USD";

/** Cents as the app shows them (shared/format/money.ts), with or without the currency. */
export function moneyText(cents: number, language: Language, currency?: string): string {
  return formatMoney(cents, language, currency);
}

/** The page as the docs show it, then what every page owes its users. */
export async function looked(page: Page, name: string): Promise<void> {
  // From the top: the app keeps the previous page's scroll on navigation (no
  // ScrollRestoration), and a full-page shot of a scrolled page draws the sticky header mid-way.
  await page.evaluate(() => window.scrollTo(0, 0));
  await shot(page, name);
  await expectAccessible(page);
  await expectFitsViewport(page);
}

/** A figure of a `<dl>` (wallet balance, statistics): the `<dd>` after the term. */
export function figure(scope: Page | Locator, term: string): Locator {
  const page = "page" in scope && typeof scope.page === "function" ? scope.page() : scope;
  const dt = (page as Page).locator("dt", { hasText: new RegExp(`^\\s*${literal(term)}\\s*$`) });
  return scope.locator("dl > div").filter({ has: dt }).locator("dd");
}

/** On a phone the slip is a bottom sheet behind its bar: open it (a desktop shows it always). */
export async function openSlip(page: Page): Promise<Locator> {
  const bar = page.locator(".betslip-bar");
  if ((await bar.isVisible()) && (await bar.getAttribute("aria-expanded")) !== "true") {
    await bar.click();
  }
  return page.locator(".betslip-body");
}

/** Close the bottom sheet again (it covers the page on a phone). */
export async function closeSlip(page: Page): Promise<void> {
  const bar = page.locator(".betslip-bar");
  if ((await bar.isVisible()) && (await bar.getAttribute("aria-expanded")) === "true") {
    await bar.click();
  }
}

/** Escape a text for a RegExp. */
export function literal(text: string): string {
  return text.replace(/[.*+?^${}()|[\]\\]/g, "\\$&");
}

export interface NewPackage {
  name: string;
  kind: "units" | "free_bet";
  units: string;
  price: string;
  validity_days: string;
  /** A free bet's fixed stake. */
  stake?: string;
}

/**
 * In the admin area (signed in): a package made with the form on /admin/packages, then found in
 * the list; its row is returned for the spec's own checks.
 */
export async function createPackageInAdmin(
  admin: Page,
  t: Translate,
  pack: NewPackage,
): Promise<Locator> {
  const exact = { exact: true };
  await admin.goto("/admin/packages");
  await expect(
    admin.getByRole("heading", { name: t("admin:packages.title"), level: 1 }),
  ).toBeVisible({ timeout: 20_000 });
  const form = admin.getByRole("form", { name: t("admin:packages.new") });
  await form.getByLabel(t("admin:fields.name"), exact).fill(pack.name);
  await form.getByLabel(t("admin:packages.kind"), exact).selectOption(pack.kind);
  await form.getByLabel(t("admin:packages.units"), exact).fill(pack.units);
  await form.getByLabel(t("admin:packages.price"), exact).fill(pack.price);
  await form.getByLabel(t("admin:packages.validity"), exact).fill(pack.validity_days);
  if (pack.stake !== undefined) {
    await form.getByLabel(t("admin:packages.stake"), exact).fill(pack.stake);
  }
  await form.getByRole("button", { name: t("admin:packages.create"), exact: true }).click();
  const row = admin.locator("table.admin-table tr").filter({ hasText: pack.name });
  await expect(row).toHaveCount(1, { timeout: 20_000 });
  return row;
}
