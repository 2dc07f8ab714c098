// Time to an interactive first page (issue 17: under 1.5 s against `make run`), in Debian's
// Chromium with a cold cache each time: from navigation start until the first odds button can be
// pressed (the catalogue fetched and rendered). Beside it, in the same run, the machine's floor:
// the same cold navigation to a static file the same gateway serves (`/favicon.svg`) until its
// load event — browser start-up of a page, the connection and the gateway, and nothing of the
// app. Prints each run, both medians and their ratio. Usage: node scripts/first-page.mjs [url] [runs]
import { chromium } from "@playwright/test";

const url = process.argv[2] ?? "http://127.0.0.1:8000/";
const runs = Number(process.argv[3] ?? 7);
const browser = await chromium.launch({
  executablePath: process.env.CHROMIUM_PATH ?? "/usr/bin/chromium",
});
const floors = [];
const times = [];
for (let i = 0; i < runs; i += 1) {
  const bare = await browser.newContext({ viewport: { width: 1280, height: 800 } });
  const plain = await bare.newPage();
  const began = Date.now();
  await plain.goto(new URL("/favicon.svg", url).toString(), { waitUntil: "load" });
  floors.push(Date.now() - began);
  await bare.close();

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
  console.log(
    `run ${i + 1}: interactive ${interactive} ms (DOMContentLoaded ${nav.dcl} ms); floor ${floors[i]} ms`,
  );
  await context.close();
}
await browser.close();
const median = (values) => [...values].sort((a, b) => a - b)[Math.floor(values.length / 2)];
const app = median(times);
const floor = median(floors);
console.log(`median time to interactive: ${app} ms over ${runs} cold loads`);
console.log(
  `median floor (a static file, same gateway): ${floor} ms; ratio ${(app / floor).toFixed(1)}x`,
);
