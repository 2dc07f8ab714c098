import { useTranslation } from "react-i18next";
import { Link, useParams } from "react-router";
import { formatDateTime } from "@/shared/format/money";
import { Card, ErrorMessage, Money, PageTitle, Skeleton } from "@/shared/ui";
import { useLiabilities, useWalletStats } from "../api/dashboard";
import { useAdminEvent } from "../api/events";
import type { AdminEvent } from "../api/types";
import { AddMarketForm } from "../components/AddMarketForm";
import { EventActions } from "../components/EventActions";
import { MarketCard } from "../components/MarketCard";
import { StatusBadge } from "../components/StatusBadge";
import { marketsEditable } from "../model/eventActions";
import { liabilitiesOf } from "../model/liabilities";

function EventSummary({ event }: { event: AdminEvent }) {
  const { t, i18n } = useTranslation("admin");
  return (
    <dl className="admin-facts">
      <div>
        <dt>{t("fields.status")}</dt>
        <dd>
          <StatusBadge status={event.status} />
          {event.status_reason ? <span className="muted"> — {event.status_reason}</span> : null}
        </dd>
      </div>
      <div>
        <dt>{t("fields.league")}</dt>
        <dd>
          {event.sport_name} · {event.league}
        </dd>
      </div>
      <div>
        <dt>{t("fields.start")}</dt>
        <dd className="num">{formatDateTime(event.event_datetime, i18n.language)}</dd>
      </div>
      <div>
        <dt>{t("fields.score")}</dt>
        <dd className="num">
          {event.home_score === null ? "—" : `${event.home_score}:${event.away_score ?? 0}`}
          {/* The minute and period belong to the match in play, not to a final score. */}
          {event.status === "live" && event.minute !== null ? ` · ${event.minute}′` : ""}
          {event.status === "live" && event.period ? ` · ${event.period}` : ""}
        </dd>
      </div>
      {event.settlement_version > 0 ? (
        <div>
          <dt>{t("fields.settlement")}</dt>
          <dd className="num">v{event.settlement_version}</dd>
        </div>
      ) : null}
    </dl>
  );
}

/** One event: its lifecycle actions, its markets with prices and the liabilities beside them. */
export function Component() {
  const { t } = useTranslation("admin");
  const { eventId = "" } = useParams();
  const event = useAdminEvent(eventId);
  const liabilities = useLiabilities();
  const currency = useWalletStats().data?.currency;
  const back = (
    <p className="admin-back">
      <Link to="/admin/events">← {t("events.backToList")}</Link>
    </p>
  );
  if (event.isPending)
    return (
      <>
        {back}
        <Skeleton lines={8} height="2.4rem" />
      </>
    );
  if (!event.data)
    return (
      <>
        {back}
        <ErrorMessage error={event.error} onRetry={() => void event.refetch()} />
      </>
    );
  const data = event.data;
  const editable = marketsEditable(data.status);
  const bySelection = liabilitiesOf(data.event_id, liabilities.data?.by_selection ?? []);
  const total = liabilities.data?.by_event.find((e) => e.event_id === data.event_id);
  return (
    <>
      {back}
      <PageTitle>{data.event_name}</PageTitle>
      <div className="admin-editor">
        <div className="admin-editor-side">
          <Card title={t("editor.event")}>
            <EventSummary event={data} />
          </Card>
          <Card title={t("editor.liability")}>
            <ErrorMessage error={liabilities.error} />
            <dl className="admin-facts">
              <div>
                <dt>{t("markets.openBets")}</dt>
                <dd className="num">{total?.open_bets ?? 0}</dd>
              </div>
              <div>
                <dt>{t("markets.stakes")}</dt>
                <dd>
                  <Money amount={total?.stakes ?? "0.00"} currency={currency} />
                </dd>
              </div>
              <div>
                <dt>{t("markets.worstCase")}</dt>
                <dd>
                  <Money amount={total?.worst_case_payout ?? "0.00"} currency={currency} />
                </dd>
              </div>
            </dl>
            <p className="field-hint">{t("editor.liabilityHint")}</p>
          </Card>
          <Card title={t("editor.actions")}>
            <EventActions event={data} />
          </Card>
        </div>
        <div className="admin-editor-main">
          <h2>{t("editor.markets")}</h2>
          {data.markets.map((market) => (
            <MarketCard
              key={market.market_id}
              eventId={data.event_id}
              market={market}
              editable={editable}
              liabilities={bySelection}
              currency={currency}
            />
          ))}
          {editable ? <AddMarketForm eventId={data.event_id} /> : null}
        </div>
      </div>
    </>
  );
}
