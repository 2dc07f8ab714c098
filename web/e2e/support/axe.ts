/** Accessibility: axe-core finds no serious or critical violation on the page as it is now. */
import AxeBuilder from "@axe-core/playwright";
import { expect, type Page } from "@playwright/test";

const BLOCKING = new Set(["serious", "critical"]);

export async function expectAccessible(page: Page): Promise<void> {
  const results = await new AxeBuilder({ page }).analyze();
  const blocking = results.violations
    .filter((violation) => BLOCKING.has(violation.impact ?? ""))
    .map((violation) => {
      const where = violation.nodes.slice(0, 5).map((node) => node.target.join(" "));
      // e.g. "insufficient color contrast of 3.1 (foreground color: #…, background color: #…)"
      const why = (violation.nodes[0]?.failureSummary ?? "").replace(/\s+/g, " ").trim();
      return `${violation.impact} ${violation.id}: ${violation.help} — ${where.join(" | ")} — ${why}`;
    });
  expect(blocking, `axe on ${page.url()}`).toEqual([]);
}
