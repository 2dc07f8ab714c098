import { useQuery } from "@tanstack/react-query";
import { useTranslation } from "react-i18next";
import { api, unwrap } from "@/shared/api/client";
import "../live.css";

/** The number of events in play, a badge beside "Live" in the nav (nothing when none). */
export function LiveCount() {
  const { t } = useTranslation("live");
  // Same key and answer as the events feature's sports query: one request serves both.
  const { data } = useQuery({
    queryKey: ["events", "sports"],
    queryFn: () => unwrap(api.GET("/api/events/sports")),
    staleTime: 30_000,
  });
  const count = (data?.sports ?? []).reduce((sum, sport) => sum + (sport.live_count ?? 0), 0);
  if (!count) return null;
  return (
    <>
      <span className="badge badge-live num live-count" aria-hidden="true">
        {count}
      </span>
      <span className="visually-hidden">{t("count", { count })}</span>
    </>
  );
}
