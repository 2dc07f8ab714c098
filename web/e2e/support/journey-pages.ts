/** The journey's page helpers: figures as the app writes them, the slip, a page's checks. */
import type { Locator, Page } from "@playwright/test";
import { formatMoney } from "../../src/shared/format/money";
import { expectAccessible } from "./axe";
import type { Language } from "./i18n";
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
