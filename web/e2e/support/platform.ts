/**
 * The platform the suite runs against: written by `global-setup.ts` (from the JSON file that
 * tests/e2e/serve_platform.py writes once everything is ready) into the environment, which the
 * runner's workers inherit.
 */
export interface PlatformInfo {
  /** The gateway: the app at `/`, the API under `/api` (one origin). */
  gateway_url: string;
  /** The SMTP sink's inbox: `GET <inbox_url>?to=<email>` → `[{to, subject, text, html, …}]`. */
  inbox_url: string;
  simulator_url: string;
  /** The local OAuth provider auth's Google and GitHub sign-ins go to (libs/devtools). */
  oauth_url: string;
  admin_email: string;
  admin_password: string;
  log_dir?: string;
}

export const PLATFORM_ENV = "LOOSELINE_E2E_PLATFORM";

export function parsePlatform(text: string): PlatformInfo {
  const value: unknown = JSON.parse(text);
  const fields = [
    "gateway_url",
    "inbox_url",
    "simulator_url",
    "oauth_url",
    "admin_email",
    "admin_password",
  ];
  if (typeof value !== "object" || value === null) throw new Error("platform: not an object");
  const record = value as Record<string, unknown>;
  for (const field of fields) {
    if (typeof record[field] !== "string") throw new Error(`platform: no ${field}`);
  }
  return value as PlatformInfo;
}

let cached: PlatformInfo | undefined;

export function platform(): PlatformInfo {
  if (cached) return cached;
  const text = process.env[PLATFORM_ENV];
  if (!text)
    throw new Error(`${PLATFORM_ENV} is not set: run the suite with \`npx playwright test\``);
  cached = parsePlatform(text);
  return cached;
}

/** An API URL on the gateway, e.g. `api("/api/auth/sign-up")`. */
export function api(path: string): string {
  return new URL(path, platform().gateway_url).toString();
}
