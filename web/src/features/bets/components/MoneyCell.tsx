import { useTranslation } from "react-i18next";
import { Money } from "@/shared/ui";
import { moneyLine } from "../model/bets";
import type { Bet } from "../model/types";

/** The "win / payout" column: what the bet would pay, paid, lost or returned — with the word. */
export function MoneyCell({ bet }: { bet: Bet }) {
  const { t } = useTranslation("bets");
  const line = moneyLine(bet);
  if (line.kind === "none") return <span className="muted">{t("money.none")}</span>;
  return (
    <span className={`bets-money bets-money-${line.kind}`}>
      <span className="bets-money-label">{t(`money.${line.kind}`)}</span>{" "}
      <Money cents={line.cents} currency={bet.currency} signed={line.kind === "payout"} />
    </span>
  );
}
