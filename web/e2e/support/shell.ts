/** The app's frame: on a phone (≤ 900 px) the navigation and account links sit behind "Menu". */
import type { Page } from "@playwright/test";
import type { Translate } from "./i18n";

/** Opens the menu when the header shows its toggle (a phone); a desktop shows all already. */
export async function openNavigation(page: Page, t: Translate): Promise<void> {
  const toggle = page.getByRole("button", { name: t("nav.menu"), exact: true });
  if ((await toggle.isVisible()) && (await toggle.getAttribute("aria-expanded")) !== "true") {
    await toggle.click();
  }
}
