import type { StripeCardElement } from "@stripe/stripe-js";
import { useEffect, useRef, useState } from "react";
import { useTranslation } from "react-i18next";
import { Button } from "@/shared/ui";
import type { ConfirmOutcome } from "../api/simulator";
import { stripeFor } from "../api/stripeJs";
import type { PaymentForm } from "../model/types";
import { declineText } from "./issues";

interface Props {
  payment: PaymentForm;
  payLabel: string;
  onOutcome: (outcome: ConfirmOutcome) => void;
}

/** Stripe Elements (a real publishable key): the card lives in Stripe's iframe; Stripe.js runs
 * 3-D Secure itself, so the outcome is final when confirmCardPayment resolves. */
export function StripeCardForm({ payment, payLabel, onOutcome }: Props) {
  const { t } = useTranslation("wallet");
  const mount = useRef<HTMLDivElement>(null);
  const card = useRef<StripeCardElement | null>(null);
  const [state, setState] = useState<"loading" | "ready" | "unavailable">("loading");
  const [busy, setBusy] = useState(false);
  const [declined, setDeclined] = useState<string | null>(null);

  useEffect(() => {
    let cancelled = false;
    void stripeFor(payment.publishable_key).then(
      (stripe) => {
        if (cancelled || !mount.current) return;
        if (!stripe) {
          setState("unavailable");
          return;
        }
        card.current = stripe.elements().create("card", { hidePostalCode: true });
        card.current.mount(mount.current);
        setState("ready");
      },
      () => setState("unavailable"),
    );
    return () => {
      cancelled = true;
      card.current?.destroy();
      card.current = null;
    };
  }, [payment.publishable_key]);

  async function pay() {
    const stripe = await stripeFor(payment.publishable_key);
    if (!stripe || !card.current) return;
    setBusy(true);
    setDeclined(null);
    const result = await stripe.confirmCardPayment(payment.client_secret, {
      payment_method: { card: card.current },
    });
    setBusy(false);
    if (result.error) {
      setDeclined(declineText(t, result.error.decline_code ?? result.error.code));
      return;
    }
    onOutcome(
      result.paymentIntent.status === "succeeded" ? { kind: "succeeded" } : { kind: "processing" },
    );
  }

  if (state === "unavailable") {
    return <p className="alert alert-error">{t("deposit.elementsUnavailable")}</p>;
  }
  return (
    <div className="wallet-card-form">
      <div className={`field${declined ? " field-invalid" : ""}`}>
        <span className="wallet-label">{t("deposit.card")}</span>
        {state === "loading" ? <span className="muted">{t("deposit.elementsLoading")}</span> : null}
        {/* Stripe owns this node's children (its iframe): React renders nothing inside. */}
        <div ref={mount} className="wallet-stripe-element" aria-busy={state === "loading"} />
        {declined ? (
          <div className="field-error" role="alert">
            {declined}
          </div>
        ) : null}
      </div>
      <Button busy={busy} disabled={state !== "ready"} onClick={() => void pay()}>
        {payLabel}
      </Button>
    </div>
  );
}
