// The first page's JavaScript budget (issue 17: under 250 kB gzipped). Counts what index.html
// makes the browser load before any route: the entry script and every modulepreload, gzipped
// as the gateway would send them. Run after `vite build`; exits 1 over budget.
import { readFileSync } from "node:fs";
import { gzipSync } from "node:zlib";

const BUDGET_KB = Number(process.env.WEB_MAIN_BUDGET_KB ?? 250);
const dist = new URL("../dist/", import.meta.url);
const html = readFileSync(new URL("index.html", dist), "utf8");
const scripts = [
  ...html.matchAll(/<script[^>]+src="\/([^"]+\.js)"/g),
  ...html.matchAll(/<link[^>]+rel="modulepreload"[^>]+href="\/([^"]+\.js)"/g),
].map((match) => match[1]);

let total = 0;
for (const file of new Set(scripts)) {
  const size = gzipSync(readFileSync(new URL(file, dist)), { level: 9 }).length;
  total += size;
  console.log(`${(size / 1024).toFixed(1).padStart(8)} kB gz  ${file}`);
}
const kb = total / 1024;
console.log(`first-load JavaScript: ${kb.toFixed(1)} kB gzipped (budget ${BUDGET_KB} kB)`);
if (kb > BUDGET_KB) {
  console.error("over budget: split a route or drop a dependency");
  process.exit(1);
}
