/**
 * Stripe.js, loaded only when a real publishable key is configured (never for the simulator:
 * no Stripe.js is reachable offline, and the CSP allows js.stripe.com only then).
 */
import type { Stripe } from "@stripe/stripe-js";

const loaded = new Map<string, Promise<Stripe | null>>();

export function stripeFor(publishableKey: string): Promise<Stripe | null> {
  let found = loaded.get(publishableKey);
  if (!found) {
    found = import("@stripe/stripe-js").then(({ loadStripe }) => loadStripe(publishableKey));
    loaded.set(publishableKey, found);
  }
  return found;
}
