import { useTranslation } from "react-i18next";
import type { Package } from "../model/types";
import { ConfirmStep } from "@/shared/ui";
import { useBillingFormat } from "./words";

/** A package on sale: what it holds, how long it lasts, its price; buy with balance or card. */
export function PackageCard({
  pack,
  busy,
  onBuy,
}: {
  pack: Package;
  busy: boolean;
  onBuy: (method: "balance" | "card") => void;
}) {
  const { t } = useTranslation("billing");
  const format = useBillingFormat();
  const price = format.money(pack.price, pack.currency);
  const contents =
    pack.kind === "free_bet" && pack.stake
      ? t("packages.freeBets", {
          count: pack.units,
          stake: format.money(pack.stake, pack.currency),
        })
      : t("packages.units", { count: pack.units });
  const validity = t("packages.validity", { count: pack.validity_days });
  const headingId = `package-${pack.id}`;
  return (
    <article className="card billing-plan" aria-labelledby={headingId}>
      <header className="billing-plan-header">
        <h3 id={headingId}>{pack.name}</h3>
      </header>
      <p className="billing-plan-price num">{price}</p>
      <p>
        <strong>{contents}</strong>
        <br />
        <span className="muted">{validity}</span>
      </p>
      {pack.description ? <p className="muted">{pack.description}</p> : null}
      <div className="billing-plan-action billing-row">
        <ConfirmStep
          label={t("actions.buyBalance")}
          question={t("confirm.buyBalance", { name: pack.name, price, contents, validity })}
          busy={busy}
          onConfirm={() => onBuy("balance")}
        />
        <ConfirmStep
          label={t("actions.buyCard")}
          question={t("confirm.buyCard", { name: pack.name, price })}
          variant="secondary"
          busy={busy}
          onConfirm={() => onBuy("card")}
        />
      </div>
    </article>
  );
}
