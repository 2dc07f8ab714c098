/** Layout: nothing wider than the viewport (a 360 px phone must never scroll sideways). */
import { expect, type Page } from "@playwright/test";

export async function expectFitsViewport(page: Page): Promise<void> {
  const width = page.viewportSize()?.width ?? 0;
  const found = await page.evaluate((limit) => {
    const describe = (element: Element): string => {
      const classes = Array.from(element.classList)
        .map((name) => `.${name}`)
        .join("");
      return `${element.tagName.toLowerCase()}${classes}`;
    };
    const wider = Array.from(document.querySelectorAll("body *"))
      .filter((element) => element.getBoundingClientRect().right > limit + 1)
      .slice(0, 5)
      .map(describe);
    return { scrollWidth: document.documentElement.scrollWidth, wider };
  }, width);
  expect(
    found.scrollWidth,
    `wider than the ${width} px viewport: ${found.wider.join(", ")}`,
  ).toBeLessThanOrEqual(width);
}
