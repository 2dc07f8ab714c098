/**
 * The history table as seed 000 draws it (date, event, selection, odds, stake, win / payout,
 * status). At phone width each row becomes a card (styles in bets.css: cells stack, each with
 * its column's name), so nothing scrolls sideways.
 */
import type { MouseEvent } from "react";
import { useTranslation } from "react-i18next";
import { Link, useNavigate } from "react-router";
import { formatOdds } from "@/shared/format/odds";
import { formatDateTime } from "@/shared/format/money";
import { usePreferences } from "@/shared/preferences/preferences";
import { Money } from "@/shared/ui";
import { mayCancel } from "../model/bets";
import type { Bet } from "../model/types";
import { CancelBet } from "./CancelBet";
import { useLegLabel } from "./labels";
import { MoneyCell } from "./MoneyCell";
import { FreeBetBadge, StatusBadge } from "./StatusBadge";

export function BetsTable({ bets }: { bets: Bet[] }) {
  const { t } = useTranslation("bets");
  return (
    <table className="data bets-table">
      <caption className="visually-hidden">{t("table.caption")}</caption>
      <thead>
        <tr>
          <th scope="col">{t("table.date")}</th>
          <th scope="col">{t("table.events")}</th>
          <th scope="col">{t("table.selection")}</th>
          <th scope="col" className="amount">
            {t("table.odds")}
          </th>
          <th scope="col" className="amount">
            {t("table.stake")}
          </th>
          <th scope="col" className="amount">
            {t("table.result")}
          </th>
          <th scope="col">{t("table.status")}</th>
          <th scope="col">
            <span className="visually-hidden">{t("table.actions")}</span>
          </th>
        </tr>
      </thead>
      <tbody>
        {bets.map((bet) => (
          <BetRow key={bet.bet_id} bet={bet} />
        ))}
      </tbody>
    </table>
  );
}

function BetRow({ bet }: { bet: Bet }) {
  const { t, i18n } = useTranslation("bets");
  const { odds_format: format } = usePreferences();
  const navigate = useNavigate();
  const legLabel = useLegLabel();
  const [first, ...rest] = bet.legs;
  const to = `/bets/${bet.bet_id}`;
  // The whole row opens the bet for a pointer; the event link is the keyboard's way in.
  const open = (event: MouseEvent<HTMLTableRowElement>) => {
    if ((event.target as HTMLElement).closest("a, button, input")) return;
    void navigate(to);
  };
  return (
    <tr className="bets-row" onClick={open}>
      <td data-label={t("table.date")} className="bets-cell-date">
        <span className="num">{formatDateTime(bet.created_at, i18n.language)}</span>
      </td>
      <td data-label={t("table.events")} className="bets-cell-event">
        <Link to={to} className="bets-event-link">
          {first?.event_name ?? t("detail.title")}
        </Link>
        {rest.length ? (
          <div className="muted bets-more">{t("table.moreEvents", { count: rest.length })}</div>
        ) : null}
      </td>
      <td data-label={t("table.selection")}>
        {bet.bet_type === "coupon" ? (
          <span>{t("betType.coupon", { count: bet.legs.length })}</span>
        ) : first ? (
          legLabel(first)
        ) : null}
      </td>
      <td data-label={t("table.odds")} className="amount">
        <span className="num">{formatOdds(bet.coefficient, format)}</span>
      </td>
      <td data-label={t("table.stake")} className="amount">
        <Money amount={bet.bet_amount} currency={bet.currency} />
        {bet.free_bet ? (
          <div>
            <FreeBetBadge />
          </div>
        ) : null}
      </td>
      <td data-label={t("table.result")} className="amount">
        <MoneyCell bet={bet} />
      </td>
      <td data-label={t("table.status")}>
        <StatusBadge status={bet.status} />
      </td>
      <td className="bets-cell-actions">
        {mayCancel(bet) ? <CancelBet betId={bet.bet_id} compact /> : null}
      </td>
    </tr>
  );
}
