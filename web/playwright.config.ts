/**
 * The browser suite: Debian's Chromium (no browser download) against the real platform, which
 * e2e/global-setup.ts starts for the run. Three projects, each with its language and theme set
 * before the app loads: en-light and ru-dark on a desktop, and a 360 px phone (en, dark). A
 * desktop project's screenshots are also taken in its other theme (e2e/support/shots.ts).
 */
import { defineConfig } from "@playwright/test";
import type { TestOptions } from "./e2e/support/fixtures";

const CI = Boolean(process.env.CI);
const desktop = { width: 1280, height: 800 };

export default defineConfig<TestOptions>({
  testDir: "./e2e",
  outputDir: "./test-results",
  globalSetup: "./e2e/global-setup.ts",
  // One platform, one worker: specs share its catalogue and the 2-core machine.
  workers: 1,
  fullyParallel: false,
  forbidOnly: CI,
  retries: 0,
  timeout: 60_000,
  expect: { timeout: 10_000 },
  reporter: [["list"]],
  use: {
    browserName: "chromium",
    headless: true,
    launchOptions: { executablePath: process.env.CHROMIUM_PATH ?? "/usr/bin/chromium" },
    trace: "retain-on-failure",
    screenshot: "only-on-failure",
  },
  projects: [
    {
      name: "en-light",
      use: {
        viewport: desktop,
        locale: "en-GB",
        colorScheme: "light",
        preferences: { language: "en", theme: "light" },
      },
    },
    {
      name: "ru-dark",
      use: {
        viewport: desktop,
        locale: "ru-RU",
        colorScheme: "dark",
        preferences: { language: "ru", theme: "dark" },
      },
    },
    {
      name: "phone",
      // A phone has no Tab key: the keyboard path is a desktop's.
      testIgnore: /keyboard\.spec\.ts/,
      use: {
        viewport: { width: 360, height: 740 },
        isMobile: true,
        hasTouch: true,
        locale: "en-GB",
        colorScheme: "dark",
        preferences: { language: "en", theme: "dark" },
      },
    },
  ],
});
