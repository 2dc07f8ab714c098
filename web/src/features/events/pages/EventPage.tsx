import { lazy, Suspense, useState } from "react";
import { useTranslation } from "react-i18next";
import { Link, useParams } from "react-router";
import { marketName } from "@/features/betslip";
import { formatDateTime } from "@/shared/format/money";
import { Card, ErrorMessage, SelectField, Skeleton, useNearViewport } from "@/shared/ui";
import { useEvent, useOddsHistory } from "../api/queries";
import { LiveScore } from "../components/LiveScore";
import { LockIcon, OddsButton } from "../components/OddsButton";
import type { EventDetail, Market } from "../model/types";
import "../events.css";

// The chart library is most of this page's code: the markets are drawn without waiting for it,
// and it is loaded and drawn only when the history card comes near the screen (below the
// markets on a phone: drawn at once, it cost a throttled phone CPU ~0.3 s in the first seconds).
const OddsHistoryChart = lazy(() =>
  import("../components/OddsHistoryChart").then((module) => ({
    default: module.OddsHistoryChart,
  })),
);

function MarketCard({ event, market }: { event: EventDetail; market: Market }) {
  const { t } = useTranslation("events");
  const suspended = market.status === "suspended";
  return (
    <Card
      className={`events-market${suspended ? " events-market-suspended" : ""}`}
      title={marketName(t, market)}
      actions={
        suspended ? (
          <span className="badge">
            <LockIcon /> {t("odds.suspended")}
          </span>
        ) : event.status === "live" && market.live_betting ? (
          <span className="badge badge-live events-live">{t("inPlay")}</span>
        ) : null
      }
    >
      <div className="events-market-odds">
        {market.odds.map((odd) => (
          <OddsButton key={odd.odds_id} event={event} odd={odd} full />
        ))}
      </div>
    </Card>
  );
}

function History({ event }: { event: EventDetail }) {
  const { t } = useTranslation("events");
  const history = useOddsHistory(event.event_id);
  const [marketId, setMarketId] = useState<string | null>(null);
  const [placeholder, near] = useNearViewport<HTMLDivElement>();
  const market = event.markets.find((m) => m.market_id === marketId) ?? event.markets[0];
  if (!market) return null;
  return (
    <Card
      className="events-history"
      title={t("history.title")}
      actions={
        <SelectField
          className="events-history-select"
          label={t("history.market")}
          value={market.market_id}
          onChange={(e) => setMarketId(e.target.value)}
        >
          {event.markets.map((m) => (
            <option key={m.market_id} value={m.market_id}>
              {marketName(t, m)}
            </option>
          ))}
        </SelectField>
      }
    >
      {history.isPending || !near ? (
        <div ref={placeholder}>
          <Skeleton lines={1} height="220px" />
        </div>
      ) : history.isError ? (
        <ErrorMessage error={history.error} onRetry={() => void history.refetch()} />
      ) : (
        <Suspense fallback={<Skeleton lines={1} height="220px" />}>
          <OddsHistoryChart market={market} history={history.data} />
        </Suspense>
      )}
    </Card>
  );
}

/** One event: every market (suspended ones greyed with a lock), live score, odds history. */
export function Component() {
  const { t, i18n } = useTranslation("events");
  const { eventId = "" } = useParams();
  const query = useEvent(eventId);
  if (query.isPending) return <Skeleton lines={8} height="3rem" />;
  if (query.isError)
    return <ErrorMessage error={query.error} onRetry={() => void query.refetch()} />;
  const event = query.data;
  return (
    <>
      <nav className="events-crumbs" aria-label={t("breadcrumbs")}>
        <Link to="/">{t("allSports")}</Link> ›{" "}
        <Link to={`/?sport=${event.sport}`}>
          {t(`sports.${event.sport}`, { defaultValue: event.sport_name })}
        </Link>{" "}
        › <Link to={`/?sport=${event.sport}&league=${event.league_id}`}>{event.league}</Link>
      </nav>
      <header className="card events-hero">
        <h1>
          {event.home_team} <span className="muted">–</span> {event.away_team}
        </h1>
        <div className="events-hero-meta">
          <time className="muted" dateTime={event.event_datetime}>
            {formatDateTime(event.event_datetime, i18n.language)}
          </time>
          <LiveScore event={event} />
          {event.status !== "live" && event.status !== "finished" ? (
            <span className="badge">
              {t(`status.${event.status}`, { defaultValue: event.status })}
            </span>
          ) : null}
        </div>
      </header>
      <div className="events-markets">
        {event.markets.map((market) => (
          <MarketCard key={market.market_id} event={event} market={market} />
        ))}
      </div>
      <History event={event} />
    </>
  );
}
