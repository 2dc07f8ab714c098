import { zodResolver } from "@hookform/resolvers/zod";
import { useMemo, useState } from "react";
import { useForm } from "react-hook-form";
import { useTranslation } from "react-i18next";
import { z } from "zod";
import { Button, TextField } from "@/shared/ui";
import { confirmAtSimulator, type ConfirmOutcome } from "../api/simulator";
import { parseExpiry, TEST_CARDS } from "../model/cards";
import type { PaymentForm } from "../model/types";
import { cardNumberIssue, cvcIssue, expiryIssue, type Issue } from "../model/validation";
import { declineText } from "./issues";

interface CardFields {
  number: string;
  expiry: string;
  cvc: string;
}

interface Props {
  payment: PaymentForm;
  payLabel: string;
  returnUrl: string;
  onOutcome: (outcome: ConfirmOutcome) => void;
}

/**
 * The card form used with the local Stripe simulator (no Stripe.js offline): it confirms the
 * PaymentIntent at the simulator as Stripe.js would. The card never reaches our API, and is
 * dropped from the form as soon as it has been sent.
 */
export function SimulatorCardForm({ payment, payLabel, returnUrl, onOutcome }: Props) {
  const { t } = useTranslation("wallet");
  const [declined, setDeclined] = useState<string | null>(null);
  const schema = useMemo(() => {
    const check = (issue: (value: string) => Issue | null) =>
      z.string().superRefine((value, ctx) => {
        const found = issue(value);
        if (found) ctx.addIssue({ code: "custom", message: t(found.key) });
      });
    return z.object({
      number: check(cardNumberIssue),
      expiry: check((value) => expiryIssue(value)),
      cvc: check(cvcIssue),
    });
  }, [t]);
  const form = useForm<CardFields>({
    resolver: zodResolver(schema),
    defaultValues: { number: "", expiry: "", cvc: "" },
  });
  const { errors, isSubmitting } = form.formState;

  async function pay(fields: CardFields) {
    setDeclined(null);
    const expiry = parseExpiry(fields.expiry);
    if (!expiry) return;
    const outcome = await confirmAtSimulator({
      intentId: payment.intent_id,
      clientSecret: payment.client_secret,
      publishableKey: payment.publishable_key,
      stripeApiBase: payment.stripe_api_base,
      card: {
        number: fields.number,
        expMonth: expiry.month,
        expYear: expiry.year,
        cvc: fields.cvc,
      },
      returnUrl,
    });
    form.reset({ number: "", expiry: "", cvc: "" });
    if (outcome.kind === "declined") setDeclined(declineText(t, outcome.code));
    else if (outcome.kind === "failed") setDeclined(t("deposit.failed"));
    else if (outcome.kind === "unconfigured") setDeclined(t("deposit.unconfigured"));
    else onOutcome(outcome);
  }

  return (
    <form noValidate onSubmit={form.handleSubmit(pay)} className="wallet-card-form">
      <TextField
        label={t("deposit.card")}
        inputMode="numeric"
        autoComplete="cc-number"
        placeholder="4242 4242 4242 4242"
        error={errors.number?.message ?? declined ?? undefined}
        {...form.register("number")}
      />
      <div className="wallet-card-row">
        <TextField
          label={t("deposit.expiry")}
          inputMode="numeric"
          autoComplete="cc-exp"
          placeholder="08/29"
          error={errors.expiry?.message}
          {...form.register("expiry")}
        />
        <TextField
          label={t("deposit.cvc")}
          inputMode="numeric"
          autoComplete="cc-csc"
          placeholder="123"
          error={errors.cvc?.message}
          {...form.register("cvc")}
        />
      </div>
      <p className="field-hint">{t("deposit.cardNote")}</p>
      <Button type="submit" busy={isSubmitting}>
        {payLabel}
      </Button>
      <details className="wallet-test-cards">
        <summary>{t("deposit.testCards")}</summary>
        <ul>
          {TEST_CARDS.map((card) => (
            <li key={card.number}>
              <button
                type="button"
                className="btn btn-ghost wallet-test-card"
                aria-label={t("deposit.testCardUse", { number: card.number })}
                onClick={() => {
                  form.setValue("number", card.number);
                  if (!form.getValues("expiry")) form.setValue("expiry", "12/34");
                  if (!form.getValues("cvc")) form.setValue("cvc", "123");
                }}
              >
                <span className="num">{card.number}</span>
              </button>
              <span className="muted">{t(`deposit.result.${card.result}`)}</span>
            </li>
          ))}
        </ul>
      </details>
    </form>
  );
}
