import { useTranslation } from "react-i18next";
import type { SportEvent } from "../model/types";

/** Score, minute (or period) and the live badge of an event in play. */
export function LiveScore({
  event,
}: {
  event: Pick<SportEvent, "status" | "home_score" | "away_score" | "minute" | "period">;
}) {
  const { t } = useTranslation("events");
  if (event.status !== "live" && event.status !== "finished") return null;
  const live = event.status === "live";
  return (
    <span className="events-score">
      {live ? <span className="badge badge-live events-live">{t("live")}</span> : null}
      <span className="num events-score-value">
        <span className="visually-hidden">{t("score")} </span>
        {event.home_score ?? 0}:{event.away_score ?? 0}
      </span>
      {live && event.minute != null ? (
        <span className="num muted">{t("minute", { minute: event.minute })}</span>
      ) : live && event.period ? (
        <span className="muted">{event.period}</span>
      ) : null}
      {!live ? <span className="muted">{t("status.finished")}</span> : null}
    </span>
  );
}
