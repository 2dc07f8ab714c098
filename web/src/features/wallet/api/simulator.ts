/**
 * Confirming a PaymentIntent at the local Stripe simulator exactly as Stripe.js does with
 * api.stripe.com: a form-encoded POST with the publishable key and the intent's client secret
 * (a CORS "simple" request). The card goes to the simulator only.
 */
import { digitsOf, simulatorBase, SimulatorBaseMissing } from "../model/cards";

export interface CardInput {
  number: string;
  expMonth: number;
  expYear: number;
  cvc: string;
}

export interface ConfirmInput {
  intentId: string;
  clientSecret: string;
  publishableKey: string;
  /** The answer's `stripe_api_base`: where the simulator is (missing: `unconfigured`). */
  stripeApiBase: string | null | undefined;
  /** A new card, or the saved card's `pm_…` (a 3-D Secure retry of a saved card). */
  card?: CardInput;
  paymentMethod?: string | null;
  returnUrl: string;
}

export type ConfirmOutcome =
  | { kind: "succeeded" }
  | { kind: "processing" }
  | { kind: "redirect"; url: string }
  | { kind: "declined"; code: string }
  | { kind: "failed" }
  | { kind: "unconfigured" };

interface IntentAnswer {
  status?: string;
  next_action?: { type?: string; redirect_to_url?: { url?: string } } | null;
  error?: { code?: string; decline_code?: string };
}

export async function confirmAtSimulator(input: ConfirmInput): Promise<ConfirmOutcome> {
  let base: string;
  try {
    base = simulatorBase({
      publishable_key: input.publishableKey,
      stripe_api_base: input.stripeApiBase,
    });
  } catch (error) {
    if (error instanceof SimulatorBaseMissing) return { kind: "unconfigured" };
    throw error;
  }
  const form = new URLSearchParams({
    key: input.publishableKey,
    client_secret: input.clientSecret,
    return_url: input.returnUrl,
  });
  if (input.card) {
    form.set("payment_method_data[type]", "card");
    form.set("payment_method_data[card][number]", digitsOf(input.card.number));
    form.set("payment_method_data[card][exp_month]", String(input.card.expMonth));
    form.set("payment_method_data[card][exp_year]", String(input.card.expYear));
    form.set("payment_method_data[card][cvc]", input.card.cvc);
  } else if (input.paymentMethod) {
    form.set("payment_method", input.paymentMethod);
  }
  let response: Response;
  try {
    response = await fetch(
      `${base}/v1/payment_intents/${encodeURIComponent(input.intentId)}/confirm`,
      { method: "POST", body: form },
    );
  } catch {
    return { kind: "failed" };
  }
  const body = (await response.json().catch(() => ({}))) as IntentAnswer;
  if (response.status === 402) {
    return {
      kind: "declined",
      code: body.error?.decline_code ?? body.error?.code ?? "card_declined",
    };
  }
  if (!response.ok) return { kind: "failed" };
  if (body.status === "succeeded") return { kind: "succeeded" };
  if (body.status === "processing") return { kind: "processing" };
  const url = body.next_action?.redirect_to_url?.url;
  return url ? { kind: "redirect", url } : { kind: "failed" };
}
