import { useTranslation } from "react-i18next";
import { useCheckout } from "../api/mutations";
import { DEPOSIT_MAX, DEPOSIT_MIN } from "../model/limits";
import { AmountForm } from "./AmountForm";
import { refusalText } from "./issues";

const RULES = { min: DEPOSIT_MIN, max: DEPOSIT_MAX };

/** Stripe Checkout (seed 002): pay on the hosted page, come back to /wallet/deposit/done. */
export function CheckoutDeposit() {
  const { t } = useTranslation("wallet");
  const checkout = useCheckout();
  return (
    <>
      <p className="muted">{t("deposit.checkoutHint")}</p>
      <AmountForm
        id="wallet-checkout"
        rules={RULES}
        submitLabel={t("deposit.payCheckout")}
        busy={checkout.isPending || checkout.isSuccess}
        refusal={checkout.error ? refusalText(t, checkout.error) : null}
        onAmount={(cents) =>
          checkout.mutate(cents, {
            onSuccess: (answer) => window.location.assign(answer.confirmation_url),
          })
        }
      />
    </>
  );
}
