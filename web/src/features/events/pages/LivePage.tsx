import { useTranslation } from "react-i18next";
import { PageTitle } from "@/shared/ui";
import { useLiveEvents } from "../api/queries";
import { EventList } from "../components/EventList";
import "../events.css";

/** Only the events in play, scores and minutes updating from the stream. */
export function Component() {
  const { t } = useTranslation("events");
  const live = useLiveEvents(null);
  return (
    <>
      <PageTitle>
        <span className="badge badge-live events-live">{t("live")}</span> {t("liveNow")}
      </PageTitle>
      <h2 className="visually-hidden">{t("eventsInPlay")}</h2>
      <EventList query={live} empty={t("noLive")} />
    </>
  );
}
