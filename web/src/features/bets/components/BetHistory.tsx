/** Filters + the table + pages, the filters kept in the URL (?status=&from=&to=&page=). */
import { useTranslation } from "react-i18next";
import { Link, useSearchParams } from "react-router";
import { EmptyState, ErrorMessage, Skeleton } from "@/shared/ui";
import { useBetHistory } from "../api/bets";
import {
  filtersFromSearch,
  historyQuery,
  rangeIsValid,
  searchFromFilters,
  type HistoryFilters as Filters,
} from "../model/filters";
import { BetsTable } from "./BetsTable";
import { HistoryFilters } from "./HistoryFilters";
import { Pagination } from "./Pagination";

export function BetHistory() {
  const { t } = useTranslation("bets");
  const [search, setSearch] = useSearchParams();
  const { page, ...filters } = filtersFromSearch(search);
  // An inverted range asks nothing: the last valid query stays while the form says why.
  const query = historyQuery(rangeIsValid(filters) ? filters : { ...filters, to: "" }, page);
  const history = useBetHistory(query);
  const change = (next: Filters) => setSearch(searchFromFilters(next, 1), { replace: true });
  const filtered = filters.status !== "all" || Boolean(filters.from || filters.to);
  return (
    <>
      <HistoryFilters value={filters} onChange={change} />
      {history.isPending ? (
        <Skeleton lines={6} height="2.5rem" />
      ) : history.isError ? (
        <ErrorMessage error={history.error} onRetry={() => void history.refetch()} />
      ) : history.data.bets.length === 0 ? (
        <EmptyState>
          {filtered ? (
            t("empty.filtered")
          ) : (
            <>
              {t("empty.none")} <Link to="/">{t("empty.toSports")}</Link>
            </>
          )}
        </EmptyState>
      ) : (
        <div className={history.isPlaceholderData ? "bets-stale" : undefined}>
          <BetsTable bets={history.data.bets} />
          <Pagination
            page={page}
            pages={history.data.pagination.total_pages}
            total={history.data.pagination.total}
            onPage={(next) => setSearch(searchFromFilters(filters, next))}
          />
        </div>
      )}
    </>
  );
}
