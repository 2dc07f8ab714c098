import { Fragment } from "react";
import { useTranslation } from "react-i18next";
import { Link } from "react-router";
import { formatDateTime } from "@/shared/format/money";
import { extraMarkets, mainOdds } from "../model/odds";
import type { SportEvent } from "../model/types";
import { LiveScore } from "./LiveScore";
import { OddsButton } from "./OddsButton";

/** An event in a list: teams, start time or live score, and its 1 / X / 2. */
export function EventCard({ event }: { event: SportEvent }) {
  const { t, i18n } = useTranslation("events");
  const main = mainOdds(event.odds);
  const more = extraMarkets(event.odds);
  return (
    <article className="events-card" aria-labelledby={`event-${event.event_id}`}>
      <div className="events-card-head">
        <span className="muted events-card-league">
          {event.league}
          {event.status === "scheduled" ? (
            <>
              {" · "}
              <time dateTime={event.event_datetime}>
                {formatDateTime(event.event_datetime, i18n.language)}
              </time>
            </>
          ) : null}
        </span>
        <LiveScore event={event} />
      </div>
      <h3 className="events-card-title" id={`event-${event.event_id}`}>
        <Link to={`/events/${event.event_id}`}>
          {event.home_team} <span className="muted">–</span> {event.away_team}
        </Link>
      </h3>
      <div className="events-card-odds" role="group" aria-label={t("mainOdds")}>
        {main.map((odd, index) => (
          <Fragment key={odd.odds_id}>
            {/* A two-way market keeps the 1 and 2 columns of the three-way cards around it. */}
            {index === 1 && main.length === 2 ? (
              <span className="events-odd-gap" aria-hidden="true" />
            ) : null}
            <OddsButton event={event} odd={odd} />
          </Fragment>
        ))}
        {main.length === 0 ? <span className="muted">{t("noOdds")}</span> : null}
        {more > 0 ? (
          <Link
            className="events-more"
            to={`/events/${event.event_id}`}
            aria-label={t("moreMarkets", { count: more, event: event.event_name })}
          >
            +{more}
          </Link>
        ) : (
          <span className="events-more-gap" aria-hidden="true" />
        )}
      </div>
    </article>
  );
}
