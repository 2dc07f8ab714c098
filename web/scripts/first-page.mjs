// Time to an interactive first page (issue 17: under 1.5 s against `make run`), in Debian's
// Chromium with a cold cache each time: from navigation start until the first odds button can be
// pressed (the catalogue fetched and rendered). Prints each run, the median and the browser's own
// navigation timings. Usage: node scripts/first-page.mjs [url] [runs]
import { chromium } from "@playwright/test";

const url = process.argv[2] ?? "http://127.0.0.1:8000/";
const runs = Number(process.argv[3] ?? 7);
const browser = await chromium.launch({
  executablePath: process.env.CHROMIUM_PATH ?? "/usr/bin/chromium",
});
const times = [];
for (let i = 0; i < runs; i += 1) {
  const context = await browser.newContext({ viewport: { width: 1280, height: 800 } });
  const page = await context.newPage();
  const started = Date.now();
  await page.goto(url, { waitUntil: "commit" });
  await page.locator("button[aria-pressed]").first().waitFor({ state: "visible" });
  const interactive = Date.now() - started;
  const nav = await page.evaluate(() => {
    const entry = performance.getEntriesByType("navigation")[0];
    return {
      dcl: Math.round(entry.domContentLoadedEventEnd),
      load: Math.round(entry.loadEventEnd),
    };
  });
  times.push(interactive);
  console.log(`run ${i + 1}: interactive ${interactive} ms (DOMContentLoaded ${nav.dcl} ms)`);
  await context.close();
}
await browser.close();
times.sort((a, b) => a - b);
console.log(
  `median time to interactive: ${times[Math.floor(times.length / 2)]} ms over ${runs} cold loads`,
);
