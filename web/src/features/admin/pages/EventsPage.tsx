import { useTranslation } from "react-i18next";
import { Link, useSearchParams } from "react-router";
import { formatDateTime } from "@/shared/format/money";
import { EmptyState, ErrorMessage, PageTitle, SelectField, Skeleton, TextField } from "@/shared/ui";
import { useAdminEvents, useSports, type EventFilters } from "../api/events";
import { Pager } from "../components/Pager";
import { StatusBadge } from "../components/StatusBadge";
import { useDebounced } from "../components/useDebounced";

const STATUSES = ["scheduled", "live", "postponed", "finished", "cancelled"] as const;

/** Events with filters (sport, status, team search), kept in the address so Back returns here. */
export function Component() {
  const { t, i18n } = useTranslation("admin");
  const [params, setParams] = useSearchParams();
  const filters: EventFilters = {
    sport: params.get("sport") ?? "",
    status: params.get("status") ?? "",
    search: params.get("q") ?? "",
    page: Math.max(1, Number(params.get("page") ?? "1") || 1),
  };
  const sports = useSports();
  const events = useAdminEvents(filters);
  const update = (key: string, value: string) => {
    const next = new URLSearchParams(params);
    if (value) next.set(key, value);
    else next.delete(key);
    if (key !== "page") next.delete("page");
    setParams(next, { replace: true });
  };
  const search = useDebounced((value: string) => update("q", value));
  return (
    <>
      <PageTitle
        actions={
          <Link className="btn btn-primary" to="/admin/events/new">
            {t("events.new")}
          </Link>
        }
      >
        {t("events.title")}
      </PageTitle>
      <div className="admin-filters" role="search">
        <SelectField
          label={t("fields.sport")}
          value={filters.sport}
          onChange={(e) => update("sport", e.target.value)}
        >
          <option value="">{t("events.allSports")}</option>
          {sports.data?.map((sport) => (
            <option key={sport.sport_id} value={sport.slug}>
              {sport.name}
            </option>
          ))}
        </SelectField>
        <SelectField
          label={t("fields.status")}
          value={filters.status}
          onChange={(e) => update("status", e.target.value)}
        >
          <option value="">{t("events.allStatuses")}</option>
          {STATUSES.map((status) => (
            <option key={status} value={status}>
              {t(`status.${status}`)}
            </option>
          ))}
        </SelectField>
        <TextField
          label={t("fields.search")}
          type="search"
          defaultValue={filters.search}
          placeholder={t("events.searchHint")}
          onChange={(e) => search(e.target.value)}
        />
      </div>
      <ErrorMessage error={events.error} onRetry={() => void events.refetch()} />
      {events.isPending ? <Skeleton lines={8} height="2.4rem" /> : null}
      {events.data && events.data.events.length === 0 ? (
        <EmptyState>{t("events.none")}</EmptyState>
      ) : null}
      {events.data && events.data.events.length > 0 ? (
        <div className="table-wrap card">
          <table className="data admin-table admin-stack">
            <caption className="visually-hidden">{t("events.title")}</caption>
            <thead>
              <tr>
                <th scope="col">{t("fields.event")}</th>
                <th scope="col">{t("fields.league")}</th>
                <th scope="col">{t("fields.start")}</th>
                <th scope="col">{t("fields.status")}</th>
                <th scope="col" className="amount">
                  {t("fields.score")}
                </th>
              </tr>
            </thead>
            <tbody>
              {events.data.events.map((event) => (
                <tr key={event.event_id}>
                  <td data-label={t("fields.event")}>
                    <Link to={`/admin/events/${event.event_id}`}>{event.event_name}</Link>
                  </td>
                  <td data-label={t("fields.league")}>
                    {event.sport_name} · {event.league}
                  </td>
                  <td data-label={t("fields.start")} className="num">
                    {formatDateTime(event.event_datetime, i18n.language)}
                  </td>
                  <td data-label={t("fields.status")}>
                    <StatusBadge status={event.status} />
                  </td>
                  <td data-label={t("fields.score")} className="amount num">
                    {event.home_score === null
                      ? "—"
                      : `${event.home_score}:${event.away_score ?? 0}`}
                  </td>
                </tr>
              ))}
            </tbody>
          </table>
        </div>
      ) : null}
      {events.data ? (
        <Pager
          page={events.data.page}
          pages={events.data.pages}
          onPage={(page) => update("page", String(page))}
        />
      ) : null}
    </>
  );
}
