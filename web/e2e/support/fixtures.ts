/**
 * The suite's `test`: the gateway as `baseURL`, the project's language and theme in
 * localStorage before the app's first script runs (the app reads them at start-up), and `t`,
 * the app's words in that language for selectors, and `money` / `cash`, amounts as the app
 * writes them in that language (without / with the currency). `openAdmin()` opens a second
 * browser context the same way (the admin's, beside the bettor's); `projectContext` is its start.
 */
import {
  expect,
  test as base,
  type Browser,
  type BrowserContext,
  type Page,
} from "@playwright/test";
import { translator, type Translate } from "./i18n";
import { adminToken, setAccountPreferences } from "./journey-admin";
import { CURRENCY, moneyText } from "./journey-pages";
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
  /** Cents as the app writes them in the project's language, without the currency. */
  money: (cents: number) => string;
  /** The same with the currency (the platform's, `CURRENCY`). */
  cash: (cents: number) => string;
  /** The admin's page in a second context of the project's kind, not signed in yet. */
  openAdmin: () => Promise<AdminPage>;
}

/** The preferences into the context's storage before the app starts. */
async function storePreferences(context: BrowserContext, preferences: Preferences) {
  const stored = { ...preferences, odds_format: "decimal" };
  // Only into a fresh store: a spec that switches language or theme keeps its choice.
  await context.addInitScript((value) => {
    if (localStorage.getItem("looseline.preferences") === null) {
      localStorage.setItem("looseline.preferences", value);
    }
  }, JSON.stringify(stored));
}

/** What every page must not have: an uncaught exception, something blocked by the CSP. */
function watchProblems(page: Page): string[] {
  const problems: string[] = [];
  page.on("pageerror", (error) => problems.push(`uncaught: ${error.message}`));
  page.on("console", (message) => {
    if (message.type() === "error" && message.text().includes("Content Security Policy")) {
      problems.push(`CSP: ${message.text()}`);
    }
  });
  return problems;
}

export const test = base.extend<TestOptions & Fixtures>({
  preferences: [{ language: "en", theme: "light" }, { option: true }],
  // `provide`, not `use`: the react-hooks lint rule takes any `use(...)` for a hook.
  baseURL: async ({ baseURL }, provide) => {
    await provide(baseURL ?? platform().gateway_url);
  },
  context: async ({ context, preferences }, provide) => {
    await storePreferences(context, preferences);
    await provide(context);
  },
  // Whatever else a spec checks: no uncaught exception and nothing blocked by the CSP.
  page: async ({ page }, provide) => {
    const problems = watchProblems(page);
    await provide(page);
    expect(problems, "uncaught errors and CSP violations in the page").toEqual([]);
  },
  t: async ({ preferences }, provide) => {
    await provide(translator(preferences.language));
  },
  money: async ({ preferences }, provide) => {
    await provide((cents) => moneyText(cents, preferences.language));
  },
  cash: async ({ preferences }, provide) => {
    await provide((cents) => moneyText(cents, preferences.language, CURRENCY));
  },
  openAdmin: async ({ browser, baseURL, preferences }, provide) => {
    await provide(() => adminPage(browser, baseURL ?? platform().gateway_url, preferences));
  },
});

/** A second browser context in the project's viewport, device and preferences. */
export async function projectContext(
  browser: Browser,
  baseURL: string,
  preferences: Preferences,
): Promise<BrowserContext> {
  const use = test.info().project.use;
  const context = await browser.newContext({
    baseURL,
    viewport: use.viewport ?? null,
    locale: use.locale,
    colorScheme: use.colorScheme,
    isMobile: use.isMobile,
    hasTouch: use.hasTouch,
  });
  await storePreferences(context, preferences);
  return context;
}

export interface AdminPage {
  page: Page;
  context: BrowserContext;
  /** The page's uncaught errors and CSP violations so far (expected empty at the end). */
  problems: string[];
}

/**
 * The admin's page in a second context, in the project's viewport and preferences: the admin is
 * one account for every project, so its own account preferences follow the project's too.
 * Not signed in yet (`signInBrowser(admin.page, adminUser(), path)`).
 */
async function adminPage(
  browser: Browser,
  baseURL: string,
  preferences: Preferences,
): Promise<AdminPage> {
  const context = await projectContext(browser, baseURL, preferences);
  await setAccountPreferences(await adminToken(), preferences);
  const page = await context.newPage();
  return { page, context, problems: watchProblems(page) };
}

export { expect };
