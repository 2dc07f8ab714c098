import { useState } from "react";
import { useTranslation } from "react-i18next";
import type { Cents } from "@/shared/format/money";
import { Button } from "@/shared/ui";
import { useStartCardDeposit } from "../api/mutations";
import { isSimulatorKey, simulatorUnreachable } from "../model/cards";
import { DEPOSIT_MAX, DEPOSIT_MIN } from "../model/limits";
import type { PaymentForm } from "../model/types";
import { AmountForm } from "./AmountForm";
import { returnUrl, useAfterConfirm } from "./afterConfirm";
import { refusalText } from "./issues";
import { SimulatorCardForm } from "./SimulatorCardForm";
import { StripeCardForm } from "./StripeCardForm";
import { useMoney } from "./useMoney";

const RULES = { min: DEPOSIT_MIN, max: DEPOSIT_MAX };

/** A new card: the amount makes a PaymentIntent; then the card is confirmed in the browser. */
export function NewCardDeposit() {
  const { t } = useTranslation("wallet");
  const money = useMoney();
  const start = useStartCardDeposit();
  const afterConfirm = useAfterConfirm();
  const [save, setSave] = useState(true);
  const [cents, setCents] = useState<Cents>(0);
  const payment: PaymentForm | undefined = start.data;

  if (payment) {
    const payLabel = t("deposit.pay", { amount: money(cents) });
    const onOutcome = afterConfirm.bind(null, payment.intent_id);
    return (
      <div>
        <p className="wallet-step">
          <span className="num">{money(cents)}</span>
          <Button variant="ghost" onClick={() => start.reset()}>
            {t("actions.back", { ns: "common" })}
          </Button>
        </p>
        {simulatorUnreachable(payment) ? (
          <p className="alert alert-error" role="alert">
            {t("deposit.unconfigured")}
          </p>
        ) : isSimulatorKey(payment.publishable_key) ? (
          <SimulatorCardForm
            payment={payment}
            payLabel={payLabel}
            returnUrl={returnUrl()}
            onOutcome={onOutcome}
          />
        ) : (
          <StripeCardForm payment={payment} payLabel={payLabel} onOutcome={onOutcome} />
        )}
      </div>
    );
  }
  return (
    <AmountForm
      id="wallet-new-card"
      rules={RULES}
      submitLabel={t("deposit.continue")}
      busy={start.isPending}
      refusal={start.error ? refusalText(t, start.error) : null}
      onAmount={(amount) => {
        setCents(amount);
        start.mutate({ cents: amount, save });
      }}
    >
      <label className="check">
        <input type="checkbox" checked={save} onChange={(event) => setSave(event.target.checked)} />
        {t("deposit.saveCard")}
      </label>
    </AmountForm>
  );
}
