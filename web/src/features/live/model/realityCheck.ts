/**
 * Reality checks (issue 23): with the user's `reality_check_minutes` preference set, the private
 * stream is opened with `&reality_check_minutes=N` and the gateway sends a `reality_check` event
 * every N minutes of the connection (the session): the time played and the net result of the
 * user's bets in it. Whoever shows them (the responsible-gambling feature's dialog) subscribes.
 */
import { channel } from "./channel";

export interface RealityCheck {
  session_started_at: string;
  played_s: number;
  stakes_minor: number;
  returns_minor: number;
  net_minor: number;
  /** The session's currency; null before any bet in it. */
  currency: string | null;
  bets_placed: number;
  bets_settled: number;
}

const NUMBERS = [
  "played_s",
  "stakes_minor",
  "returns_minor",
  "net_minor",
  "bets_placed",
  "bets_settled",
] as const;

/** The event's data as a reality check, or null when it is not one (nothing is shown then). */
export function readRealityCheck(data: unknown): RealityCheck | null {
  if (typeof data !== "object" || data === null) return null;
  const record = data as Record<string, unknown>;
  if (typeof record.session_started_at !== "string") return null;
  if (!NUMBERS.every((key) => Number.isInteger(record[key]))) return null;
  if (record.currency !== null && typeof record.currency !== "string") return null;
  return record as unknown as RealityCheck;
}

/** The stream's path: the ticket's private channel, with reality checks when they are on. */
export function streamPath(ticket: string | null, realityCheckMinutes: number | null): string {
  if (ticket === null) return "/api/stream";
  const query = new URLSearchParams({ ticket });
  if (realityCheckMinutes !== null) query.set("reality_check_minutes", String(realityCheckMinutes));
  return `/api/stream?${query.toString()}`;
}

const checks = channel<RealityCheck>();

export const subscribeRealityChecks = checks.subscribe;
export const publishRealityCheck = checks.publish;
