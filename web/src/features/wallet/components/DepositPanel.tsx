import { useState } from "react";
import { useTranslation } from "react-i18next";
import { RestrictionNotice, useRestriction } from "@/features/responsible-gambling";
import { Card } from "@/shared/ui";
import { CheckoutDeposit } from "./CheckoutDeposit";
import { NewCardDeposit } from "./NewCardDeposit";
import { SavedCardDeposit } from "./SavedCardDeposit";

type Way = "new" | "saved" | "checkout";
const WAYS: Way[] = ["new", "saved", "checkout"];
const LABEL: Record<Way, string> = {
  new: "deposit.newCard",
  saved: "deposit.savedCard",
  checkout: "deposit.checkout",
};

export function DepositPanel() {
  const { t } = useTranslation("wallet");
  const [way, setWay] = useState<Way>("new");
  // A time-out or self-exclusion: the forms would only be refused (wallet.account_restricted).
  const restricted = useRestriction() !== null;
  if (restricted)
    return (
      <Card title={t("deposit.title")} className="wallet-section">
        <RestrictionNotice about="deposits" />
      </Card>
    );
  return (
    <Card title={t("deposit.title")} className="wallet-section">
      <div role="tablist" aria-label={t("deposit.tabs")} className="tabs">
        {WAYS.map((item) => (
          <button
            key={item}
            type="button"
            role="tab"
            id={`wallet-way-${item}`}
            aria-selected={way === item}
            aria-controls={way === item ? `wallet-way-${item}-panel` : undefined}
            tabIndex={way === item ? 0 : -1}
            onClick={() => setWay(item)}
            onKeyDown={(event) => {
              const step = event.key === "ArrowRight" ? 1 : event.key === "ArrowLeft" ? -1 : 0;
              if (!step) return;
              const next = WAYS[(WAYS.indexOf(item) + step + WAYS.length) % WAYS.length] ?? item;
              setWay(next);
              document.getElementById(`wallet-way-${next}`)?.focus();
            }}
          >
            {t(LABEL[item])}
          </button>
        ))}
      </div>
      <div role="tabpanel" id={`wallet-way-${way}-panel`} aria-labelledby={`wallet-way-${way}`}>
        {way === "new" ? <NewCardDeposit /> : null}
        {way === "saved" ? <SavedCardDeposit /> : null}
        {way === "checkout" ? <CheckoutDeposit /> : null}
      </div>
    </Card>
  );
}
