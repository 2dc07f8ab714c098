/**
 * Screenshots for docs/screenshots/: `<name>-<project>.png`, the full page, once it is still.
 * A desktop project also draws the page in the other theme (`<name>-<language>-<theme>.png`),
 * switched with the header's own button, so every page is shown in both themes and both
 * languages without running the whole suite twice more.
 */
import { fileURLToPath } from "node:url";
import { expect, test, type Page } from "@playwright/test";
import type { Preferences } from "./fixtures";
import { translator } from "./i18n";
import { platform } from "./platform";

const SHOTS = fileURLToPath(new URL("../../../docs/screenshots/", import.meta.url));

export async function shot(page: Page, name: string): Promise<void> {
  await capture(page, `${name}-${test.info().project.name}`);
  const { preferences, isMobile } = test.info().project.use as {
    preferences?: Preferences;
    isMobile?: boolean;
  };
  if (!preferences || isMobile) return;
  // Another site (the card issuer's 3-D Secure page) has no theme of ours to switch.
  if (new URL(page.url()).origin !== new URL(platform().gateway_url).origin) return;
  const other = preferences.theme === "dark" ? "light" : "dark";
  await switchTheme(page, preferences.language, other);
  await capture(page, `${name}-${preferences.language}-${other}`);
  await switchTheme(page, preferences.language, preferences.theme);
}

async function switchTheme(page: Page, language: Preferences["language"], to: string) {
  const t = translator(language);
  const toggle = page.getByRole("button", {
    name: t(to === "dark" ? "prefs.switchToDark" : "prefs.switchToLight"),
    exact: true,
    includeHidden: true, // inert under a modal dialog
  });
  // A programmatic click: an open modal dialog (3-D Secure, the price prompt) makes the header
  // inert to the pointer, and the screenshot is meant to show that dialog.
  await toggle.evaluate((button: HTMLElement) => button.click());
  await expect(page.locator("html")).toHaveAttribute("data-theme", to);
}

async function capture(page: Page, file: string): Promise<void> {
  // Loading placeholders gone (skeletons are aria-busy), web fonts in, no transition half-way.
  await expect(page.locator('[aria-busy="true"]')).toHaveCount(0);
  await page.evaluate(async () => {
    await document.fonts.ready;
  });
  await page.screenshot({
    path: `${SHOTS}${file}.png`,
    fullPage: true,
    animations: "disabled",
    caret: "hide",
  });
}
