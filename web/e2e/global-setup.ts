/**
 * Starts the real platform for the run (tests/e2e/serve_platform.py: every service, the SMTP
 * sink and the Stripe simulator on free ports, a database and broker namespace of their own,
 * the gateway serving web/dist) and waits for the JSON file it writes once all is ready. The
 * URLs go into the environment, which the workers inherit. The returned function is the run's
 * teardown: SIGTERM, and the script stops and deletes everything it made.
 *
 * LOOSELINE_E2E_PLATFORM_FILE=<json> runs the specs against a platform already up instead.
 */
import { spawn, type ChildProcess } from "node:child_process";
import { existsSync, mkdtempSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import type { FullConfig } from "@playwright/test";
import { PLATFORM_ENV, parsePlatform } from "./support/platform";

const ROOT = fileURLToPath(new URL("../..", import.meta.url));
const READY_TIMEOUT_MS = 180_000;
const STOP_TIMEOUT_MS = 60_000;

function exited(child: ChildProcess): Promise<void> {
  return new Promise((resolve) => {
    if (child.exitCode !== null || child.signalCode !== null) resolve();
    else child.once("exit", () => resolve());
  });
}

async function stop(child: ChildProcess): Promise<void> {
  if (child.exitCode !== null || child.signalCode !== null) return;
  child.kill("SIGTERM");
  const timer = setTimeout(() => child.kill("SIGKILL"), STOP_TIMEOUT_MS);
  await exited(child);
  clearTimeout(timer);
}

async function waitForFile(path: string, child: ChildProcess): Promise<string> {
  const deadline = Date.now() + READY_TIMEOUT_MS;
  while (!existsSync(path)) {
    if (child.exitCode !== null || child.signalCode !== null) {
      throw new Error(
        `serve_platform.py exited (${child.exitCode ?? child.signalCode}) before ready`,
      );
    }
    if (Date.now() > deadline)
      throw new Error(`the platform was not ready in ${READY_TIMEOUT_MS} ms`);
    await new Promise((resolve) => setTimeout(resolve, 250));
  }
  return readFileSync(path, "utf8");
}

export default async function globalSetup(config: FullConfig): Promise<() => Promise<void>> {
  const given = process.env.LOOSELINE_E2E_PLATFORM_FILE;
  if (given) {
    process.env[PLATFORM_ENV] = JSON.stringify(parsePlatform(readFileSync(given, "utf8")));
    return async () => {};
  }
  // Beside the run's traces (`--output` moves both: two runs at once must not share them).
  const logs = join(config.projects[0]?.outputDir ?? tmpdir(), "platform");
  const started = Date.now();
  const dir = mkdtempSync(join(tmpdir(), "looseline-e2e-"));
  const readyFile = join(dir, "platform.json");
  // `make` exports UV (e.g. "python3 -m uv" where uv is not on PATH).
  const [uv = "uv", ...uvArgs] = (process.env.UV ?? "uv").split(" ").filter(Boolean);
  const script = ["tests/e2e/serve_platform.py", readyFile, "--log-dir", logs, "--stop-on-eof"];
  // stdin stays a pipe: should this runner die without its teardown, the script sees EOF and
  // stops the platform all the same.
  const child = spawn(uv, [...uvArgs, "run", "--no-sync", "python", ...script], {
    cwd: ROOT,
    stdio: ["pipe", "inherit", "inherit"],
  });
  try {
    const info = parsePlatform(await waitForFile(readyFile, child));
    process.env[PLATFORM_ENV] = JSON.stringify(info);
    const seconds = ((Date.now() - started) / 1000).toFixed(1);
    console.log(`platform ready in ${seconds} s at ${info.gateway_url} (logs: ${logs})`);
  } catch (error) {
    await stop(child);
    rmSync(dir, { recursive: true, force: true });
    throw error;
  }
  return async () => {
    await stop(child);
    rmSync(dir, { recursive: true, force: true });
  };
}
