import { useState } from "react";
import { useTranslation } from "react-i18next";
import { ErrorMessage, Skeleton } from "@/shared/ui";
import { useSavedCardDeposit } from "../api/mutations";
import { useSavedCards } from "../api/queries";
import { confirmAtSimulator, type ConfirmOutcome } from "../api/simulator";
import { stripeFor } from "../api/stripeJs";
import { isSimulatorKey } from "../model/cards";
import { DEPOSIT_MAX, DEPOSIT_MIN } from "../model/limits";
import type { SavedCardAnswer } from "../model/types";
import { AmountForm } from "./AmountForm";
import { returnUrl, useAfterConfirm } from "./afterConfirm";
import { declineText, refusalText } from "./issues";
import { useMoney } from "./useMoney";

const RULES = { min: DEPOSIT_MIN, max: DEPOSIT_MAX };
type ThreeDs = Extract<SavedCardAnswer, { action: "requires_action" }>;

/** 3-D Secure for a saved card: confirmed on-session, as Stripe.js would, then the challenge. */
async function authenticate(answer: ThreeDs): Promise<ConfirmOutcome> {
  if (isSimulatorKey(answer.publishable_key)) {
    return confirmAtSimulator({
      intentId: answer.intent_id,
      clientSecret: answer.client_secret,
      publishableKey: answer.publishable_key,
      stripeApiBase: answer.stripe_api_base,
      paymentMethod: answer.payment_method,
      returnUrl: returnUrl(),
    });
  }
  const stripe = await stripeFor(answer.publishable_key);
  if (!stripe) return { kind: "failed" };
  const result = await stripe.confirmCardPayment(answer.client_secret);
  if (result.error) return { kind: "declined", code: result.error.decline_code ?? "card_declined" };
  return result.paymentIntent.status === "succeeded"
    ? { kind: "succeeded" }
    : { kind: "processing" };
}

export function SavedCardDeposit() {
  const { t } = useTranslation("wallet");
  const money = useMoney();
  const cards = useSavedCards();
  const deposit = useSavedCardDeposit();
  const afterConfirm = useAfterConfirm();
  const [chosen, setChosen] = useState<string | null>(null);
  const [message, setMessage] = useState<{ ok: boolean; text: string } | null>(null);

  if (cards.error) return <ErrorMessage error={cards.error} onRetry={() => void cards.refetch()} />;
  if (!cards.data) return <Skeleton lines={3} />;
  if (!cards.data.length) return <p className="muted">{t("deposit.noSavedCards")}</p>;
  const methodId =
    chosen ?? cards.data.find((c) => c.is_default)?.method_id ?? cards.data[0]?.method_id;

  async function answered(answer: SavedCardAnswer) {
    if (answer.action === "requires_action") {
      setMessage({ ok: true, text: t("deposit.threeDs") });
      const outcome = await authenticate(answer);
      if (outcome.kind === "declined")
        setMessage({ ok: false, text: declineText(t, outcome.code) });
      else if (outcome.kind === "failed") setMessage({ ok: false, text: t("deposit.failed") });
      else if (outcome.kind === "unconfigured")
        setMessage({ ok: false, text: t("deposit.unconfigured") });
      else afterConfirm(answer.intent_id, outcome);
    } else if (answer.action === "processing") {
      setMessage({ ok: true, text: t("deposit.processing") });
    } else {
      setMessage({ ok: true, text: t("deposit.credited", { amount: money(answer.new_balance) }) });
    }
  }

  return (
    <AmountForm
      id="wallet-saved-card"
      rules={RULES}
      submitLabel={t("balance.deposit")}
      busy={deposit.isPending}
      refusal={deposit.error ? refusalText(t, deposit.error) : null}
      onAmount={(cents) => {
        setMessage(null);
        if (methodId) deposit.mutate({ cents, methodId }, { onSuccess: (a) => void answered(a) });
      }}
    >
      <fieldset className="wallet-choices">
        <legend>{t("deposit.payWith")}</legend>
        {cards.data.map((card) => (
          <label key={card.method_id} className="wallet-choice">
            <input
              type="radio"
              name="wallet-saved-card"
              value={card.method_id}
              checked={card.method_id === methodId}
              onChange={() => setChosen(card.method_id)}
            />
            <span>
              {(card.card_brand ?? "").toUpperCase()} ••••{" "}
              <span className="num">{card.card_last4}</span>
            </span>
          </label>
        ))}
      </fieldset>
      {message ? (
        <p className={`alert ${message.ok ? "alert-success" : "alert-error"}`} role="status">
          {message.text}
        </p>
      ) : null}
    </AmountForm>
  );
}
