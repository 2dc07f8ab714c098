/**
 * Card entry without Stripe.js (the local Stripe simulator): the number, expiry and CVC go
 * from the form straight to the simulator, never to our API and never to a log.
 */
export const SIMULATOR_KEY_PREFIX = "pk_test_looseline_simulator";

export function isSimulatorKey(publishableKey: string): boolean {
  return publishableKey.startsWith(SIMULATOR_KEY_PREFIX);
}

/** What an answer the browser confirms carries: Stripe.js's key and where its card form calls. */
export interface BrowserConfirm {
  publishable_key: string;
  /** The wallet's STRIPE_BROWSER_API_BASE: null for Stripe itself (Stripe.js knows its own). */
  stripe_api_base?: string | null;
}

/** A simulator key without the simulator's address: the wallet is misconfigured. */
export class SimulatorBaseMissing extends Error {
  constructor() {
    super(
      "The deposit answer has a Stripe simulator key but no stripe_api_base: set " +
        "STRIPE_BROWSER_API_BASE (or STRIPE_API_BASE) on the wallet to the simulator's URL.",
    );
    this.name = "SimulatorBaseMissing";
  }
}

/**
 * Where the browser reaches the simulator: the answer's `stripe_api_base` (never a guess — a
 * card sent to the wrong host is worse than a clear refusal). Throws `SimulatorBaseMissing`.
 */
export function simulatorBase(answer: BrowserConfirm): string {
  const base = answer.stripe_api_base?.trim();
  if (!base) throw new SimulatorBaseMissing();
  return base.replace(/\/+$/, "");
}

/** A simulator key the browser cannot confirm with (no address to call): say so up front. */
export function simulatorUnreachable(answer: BrowserConfirm): boolean {
  return isSimulatorKey(answer.publishable_key) && !answer.stripe_api_base?.trim();
}

export function digitsOf(text: string): string {
  return text.replace(/[\s-]/g, "");
}

/** The Luhn check every card number passes (catches a mistyped digit before any call). */
export function luhnValid(text: string): boolean {
  const digits = digitsOf(text);
  if (!/^\d{12,19}$/.test(digits)) return false;
  let sum = 0;
  for (let i = 0; i < digits.length; i += 1) {
    let d = Number(digits[digits.length - 1 - i]);
    if (i % 2 === 1) {
      d *= 2;
      if (d > 9) d -= 9;
    }
    sum += d;
  }
  return sum % 10 === 0;
}

/** "MM/YY" (or MM/YYYY) → month and four-digit year; null if malformed or in the past. */
export function parseExpiry(
  text: string,
  now: Date = new Date(),
): { month: number; year: number } | null {
  const match = /^\s*(\d{1,2})\s*\/\s*(\d{2}|\d{4})\s*$/.exec(text);
  if (!match) return null;
  const month = Number(match[1]);
  const year = match[2]?.length === 2 ? 2000 + Number(match[2]) : Number(match[2]);
  if (month < 1 || month > 12) return null;
  const thisMonth = now.getUTCFullYear() * 12 + now.getUTCMonth();
  if (year * 12 + month - 1 < thisMonth) return null;
  return { month, year };
}

export interface TestCard {
  number: string;
  result: "succeeds" | "threeDs" | "insufficient" | "declined" | "lost" | "expired" | "cvc";
}

/** The simulator's test cards (docs/stripe-simulator.md), listed under its form. */
export const TEST_CARDS: TestCard[] = [
  { number: "4242 4242 4242 4242", result: "succeeds" },
  { number: "5555 5555 5555 4444", result: "succeeds" },
  { number: "4000 0025 0000 3155", result: "threeDs" },
  { number: "4000 0000 0000 9995", result: "insufficient" },
  { number: "4000 0000 0000 0002", result: "declined" },
  { number: "4000 0000 0000 9987", result: "lost" },
  { number: "4000 0000 0000 0069", result: "expired" },
  { number: "4000 0000 0000 0127", result: "cvc" },
];
