/** One bet: its figures, each leg with its own result, and cancel while it is open. */
import type { ReactNode } from "react";
import { useTranslation } from "react-i18next";
import { ApiError } from "@/shared/api/errors";
import { formatOdds } from "@/shared/format/odds";
import { formatDateTime } from "@/shared/format/money";
import { usePreferences } from "@/shared/preferences/preferences";
import { Card, errorText, Money } from "@/shared/ui";
import { mayCancel } from "../model/bets";
import type { Bet } from "../model/types";
import { CancelBet } from "./CancelBet";
import { useLegLabel } from "./labels";
import { MoneyCell } from "./MoneyCell";
import { FreeBetBadge, LegResultBadge, StatusBadge } from "./StatusBadge";

export function BetDetail({ bet }: { bet: Bet }) {
  const { t, i18n } = useTranslation("bets");
  const { odds_format: format } = usePreferences();
  const type =
    bet.bet_type === "coupon"
      ? t("betType.coupon", { count: bet.legs.length })
      : t("betType.single");
  return (
    <>
      <Card
        title={type}
        actions={
          <span className="bets-badges">
            {bet.free_bet ? <FreeBetBadge /> : null}
            <StatusBadge status={bet.status} />
          </span>
        }
      >
        {bet.free_bet ? <p className="muted bets-basis">{t("freeBet.note")}</p> : null}
        <dl className="bets-facts">
          <Fact label={t("detail.placed")}>
            <span className="num">{formatDateTime(bet.created_at, i18n.language)}</span>
          </Fact>
          {bet.settled_at ? (
            <Fact label={t("detail.settled")}>
              <span className="num">{formatDateTime(bet.settled_at, i18n.language)}</span>
            </Fact>
          ) : null}
          <Fact label={t("detail.stake")}>
            <Money amount={bet.bet_amount} currency={bet.currency} />
          </Fact>
          <Fact label={t("detail.odds")}>
            <span className="num">{formatOdds(bet.coefficient, format)}</span>
          </Fact>
          <Fact label={t("table.result")}>
            <MoneyCell bet={bet} />
          </Fact>
          {bet.reason && bet.status === "rejected" ? (
            <Fact label={t("detail.reason")}>
              {/* The saga's reason is an error code: the same words as the API's errors. */}
              {errorText(t, new ApiError(409, bet.reason, ""))}
            </Fact>
          ) : null}
          <Fact label={t("detail.id")}>
            <code className="bets-id">{bet.bet_id}</code>
          </Fact>
        </dl>
        {mayCancel(bet) ? <CancelBet betId={bet.bet_id} /> : null}
      </Card>
      <Card title={t("detail.legs")}>
        <LegsTable bet={bet} />
      </Card>
    </>
  );
}

function Fact({ label, children }: { label: string; children: ReactNode }) {
  return (
    <div>
      <dt>{label}</dt>
      <dd>{children}</dd>
    </div>
  );
}

function LegsTable({ bet }: { bet: Bet }) {
  const { t } = useTranslation("bets");
  const { odds_format: format } = usePreferences();
  const legLabel = useLegLabel();
  return (
    <table className="data bets-table bets-legs">
      <thead>
        <tr>
          <th scope="col">{t("detail.event")}</th>
          <th scope="col">{t("detail.selection")}</th>
          <th scope="col" className="amount">
            {t("detail.legOdds")}
          </th>
          <th scope="col">{t("detail.legResult")}</th>
        </tr>
      </thead>
      <tbody>
        {bet.legs.map((leg) => (
          <tr key={leg.odds_id}>
            <td data-label={t("detail.event")} className="bets-cell-event">
              {leg.event_name}
            </td>
            <td data-label={t("detail.selection")}>{legLabel(leg)}</td>
            <td data-label={t("detail.legOdds")} className="amount">
              <span className="num">{formatOdds(leg.coefficient, format)}</span>
            </td>
            <td data-label={t("detail.legResult")}>
              <LegResultBadge result={leg.result} />
            </td>
          </tr>
        ))}
      </tbody>
    </table>
  );
}
