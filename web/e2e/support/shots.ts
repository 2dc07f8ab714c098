/** Screenshots for docs/screenshots/: `<name>-<project>.png`, the full page, once it is still. */
import { fileURLToPath } from "node:url";
import { expect, test, type Page } from "@playwright/test";

const SHOTS = fileURLToPath(new URL("../../../docs/screenshots/", import.meta.url));

export async function shot(page: Page, name: string): Promise<void> {
  // Loading placeholders gone (skeletons are aria-busy), web fonts in, no transition half-way.
  await expect(page.locator('[aria-busy="true"]')).toHaveCount(0);
  await page.evaluate(async () => {
    await document.fonts.ready;
  });
  await page.screenshot({
    path: `${SHOTS}${name}-${test.info().project.name}.png`,
    fullPage: true,
    animations: "disabled",
    caret: "hide",
  });
}
