import { useTranslation } from "react-i18next";
import { Money } from "@/shared/ui";
import { moneyLine } from "../model/bets";
import type { Bet } from "../model/types";

/** The "win / payout" column: what the bet would pay, paid, lost or returned — with the word.
 * A free bet's: its winnings (to win, or paid), or its unit spent or given back. */
export function MoneyCell({ bet }: { bet: Bet }) {
  const { t } = useTranslation("bets");
  const line = moneyLine(bet);
  if (line.kind === "none") return <span className="muted">{t("money.none")}</span>;
  if (line.kind === "unitSpent" || line.kind === "unitBack") {
    return <span className={`bets-money bets-money-${line.kind}`}>{t(`money.${line.kind}`)}</span>;
  }
  return (
    <span className={`bets-money bets-money-${line.kind}`}>
      <span className="bets-money-label">{t(`money.${line.kind}`)}</span>{" "}
      <Money
        cents={line.cents}
        currency={bet.currency}
        signed={line.kind === "payout" || line.kind === "winnings"}
      />
    </span>
  );
}
