import { useId, useState } from "react";
import { useTranslation } from "react-i18next";
import { centsOf, formatMoney } from "@/shared/format/money";
import { useBalance } from "../api/queries";
import "../wallet.css";

/**
 * The header's balance (signed-in only): the available amount; what is locked in bets shows
 * on hover, on focus and on tap (the button toggles it), and is always in the accessible name.
 */
export function BalanceBadge() {
  const { t, i18n } = useTranslation("wallet");
  const { data } = useBalance();
  const [open, setOpen] = useState(false);
  const popId = useId();
  if (!data) return <span className="wallet-badge-skeleton skeleton" aria-hidden="true" />;
  const money = (amount: string) => formatMoney(centsOf(amount), i18n.language, data.currency);
  const locked = t("balance.badgeLocked", { amount: money(data.locked_in_bets) });
  return (
    <div className={`wallet-badge${open ? " is-open" : ""}`}>
      <button
        type="button"
        className="btn btn-secondary wallet-badge-button"
        aria-expanded={open}
        aria-describedby={popId}
        title={locked}
        onClick={() => setOpen((value) => !value)}
        onKeyDown={(event) => {
          if (event.key === "Escape") setOpen(false);
        }}
        onBlur={() => setOpen(false)}
      >
        <span className="visually-hidden">{t("balance.available")}: </span>
        <span className="num">{money(data.available_balance)}</span>
      </button>
      <div id={popId} role="status" className="wallet-badge-pop">
        {locked}
      </div>
    </div>
  );
}
