/**
 * The suite's `test`: the gateway as `baseURL`, the project's language and theme in
 * localStorage before the app's first script runs (the app reads them at start-up), and `t`,
 * the app's words in that language for selectors.
 */
import { expect, test as base } from "@playwright/test";
import { translator, type Translate } from "./i18n";
import { platform } from "./platform";

export interface Preferences {
  language: "en" | "ru";
  theme: "light" | "dark";
}

export interface TestOptions {
  preferences: Preferences;
}

interface Fixtures {
  /** The app's text in the project's language (support/i18n.ts). */
  t: Translate;
}

export const test = base.extend<TestOptions & Fixtures>({
  preferences: [{ language: "en", theme: "light" }, { option: true }],
  // `provide`, not `use`: the react-hooks lint rule takes any `use(...)` for a hook.
  baseURL: async ({ baseURL }, provide) => {
    await provide(baseURL ?? platform().gateway_url);
  },
  context: async ({ context, preferences }, provide) => {
    const stored = { ...preferences, odds_format: "decimal" };
    // Only into a fresh store: a spec that switches language or theme keeps its choice.
    await context.addInitScript((value) => {
      if (localStorage.getItem("looseline.preferences") === null) {
        localStorage.setItem("looseline.preferences", value);
      }
    }, JSON.stringify(stored));
    await provide(context);
  },
  // Whatever else a spec checks: no uncaught exception and nothing blocked by the CSP.
  page: async ({ page }, provide) => {
    const problems: string[] = [];
    page.on("pageerror", (error) => problems.push(`uncaught: ${error.message}`));
    page.on("console", (message) => {
      if (message.type() === "error" && message.text().includes("Content Security Policy")) {
        problems.push(`CSP: ${message.text()}`);
      }
    });
    await provide(page);
    expect(problems, "uncaught errors and CSP violations in the page").toEqual([]);
  },
  t: async ({ preferences }, provide) => {
    await provide(translator(preferences.language));
  },
});

export { expect };
