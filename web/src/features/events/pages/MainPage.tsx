import { useId } from "react";
import { useTranslation } from "react-i18next";
import { Link, useSearchParams } from "react-router";
import { BalanceCard } from "@/features/wallet";
import { useSession } from "@/shared/session/session";
import { SelectField, Skeleton } from "@/shared/ui";
import { useEventList, useLeagues, useLiveEvents } from "../api/queries";
import { EventList } from "../components/EventList";
import { SportTabs } from "../components/SportTabs";
import "../events.css";

const LIVE_ON_MAIN = 4;

/** The main page as seed 000 draws it: balance, sport tabs, live now, upcoming events. */
export function Component() {
  const { t } = useTranslation("events");
  const { user } = useSession();
  const [params, setParams] = useSearchParams();
  const sport = params.get("sport");
  const league = params.get("league");
  const panelId = useId();
  const leagues = useLeagues(sport);
  const live = useLiveEvents(sport, LIVE_ON_MAIN);
  const upcoming = useEventList({ sport, league });
  const liveTotal = live.data?.pages[0]?.total ?? 0;

  const choose = (next: { sport?: string | null; league?: string | null }) => {
    const search = new URLSearchParams();
    const s = next.sport !== undefined ? next.sport : sport;
    const l = next.league !== undefined ? next.league : league;
    if (s) search.set("sport", s);
    if (l) search.set("league", l);
    setParams(search, { replace: true });
  };

  return (
    <>
      <h1 className="visually-hidden">{t("title")}</h1>
      {user ? <BalanceCard /> : null}
      <SportTabs
        value={sport}
        onChange={(s) => choose({ sport: s, league: null })}
        panelId={panelId}
      />
      <div id={panelId} role="tabpanel">
        {live.isPending ? (
          // One placeholder until we know whether a live section comes first: drawing upcoming
          // events and then pushing them down under the live ones was the page's layout shift.
          <Skeleton lines={5} height="5.5rem" />
        ) : (
          <>
            {liveTotal > 0 ? (
              <section className="events-section" aria-labelledby={`${panelId}-live`}>
                <div className="events-section-head">
                  <h2 id={`${panelId}-live`}>
                    <span className="badge badge-live events-live">{t("live")}</span> {t("liveNow")}
                  </h2>
                  {liveTotal > LIVE_ON_MAIN ? (
                    <Link to="/live">{t("allLive", { count: liveTotal })}</Link>
                  ) : null}
                </div>
                <EventList query={live} empty={t("noLive")} paged={false} />
              </section>
            ) : null}
            <section className="events-section" aria-labelledby={`${panelId}-upcoming`}>
              <div className="events-section-head">
                <h2 id={`${panelId}-upcoming`}>{t("upcoming")}</h2>
                <LeagueFilter
                  sport={sport}
                  league={league}
                  leagues={leagues}
                  onChange={(l) => choose({ league: l })}
                />
              </div>
              <EventList query={upcoming} empty={t("noEvents")} />
            </section>
          </>
        )}
      </div>
    </>
  );
}

function LeagueFilter({
  sport,
  league,
  leagues,
  onChange,
}: {
  sport: string | null;
  league: string | null;
  leagues: ReturnType<typeof useLeagues>;
  onChange: (league: string | null) => void;
}) {
  const { t } = useTranslation("events");
  return (
    <SelectField
      className="events-league"
      label={t("league")}
      value={league ?? ""}
      onChange={(e) => onChange(e.target.value || null)}
    >
      <option value="">{t("allLeagues")}</option>
      {(leagues.data?.leagues ?? []).map((l) => (
        <option key={l.league_id} value={String(l.league_id)}>
          {sport ? l.name : `${l.name} · ${t(`sports.${l.sport}`, { defaultValue: l.sport_name })}`}
        </option>
      ))}
    </SelectField>
  );
}
