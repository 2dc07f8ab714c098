/**
 * The history page's filters and the query they make: the status tab becomes the API's `status`
 * (all = none), the date range (the user's local days, both inclusive) becomes `date_from`
 * (inclusive) and `date_to` (exclusive: the start of the day after), as instants with offsets.
 */
export const STATUS_FILTERS = ["all", "open", "won", "lost", "void"] as const;
export type StatusFilter = (typeof STATUS_FILTERS)[number];

export interface HistoryFilters {
  status: StatusFilter;
  /** "YYYY-MM-DD" (an `<input type="date">` value) or "" for no bound. */
  from: string;
  to: string;
}

export const PAGE_SIZE = 20;

export interface HistoryQuery {
  // "settled" (won, lost or void) is what the statistics read.
  status?: "open" | "won" | "lost" | "void" | "settled";
  date_from?: string;
  date_to?: string;
  limit: number;
  offset: number;
}

const DAY = /^(\d{4})-(\d{2})-(\d{2})$/;

/** The start of a local calendar day as an ISO instant; null if `day` is not a date. */
export function startOfLocalDay(day: string, plusDays = 0): string | null {
  const match = DAY.exec(day);
  if (!match) return null;
  const date = new Date(Number(match[1]), Number(match[2]) - 1, Number(match[3]) + plusDays);
  return Number.isNaN(date.getTime()) ? null : date.toISOString();
}

/** The page (1-based) of the history the filters select, as the API's query parameters. */
export function historyQuery(filters: HistoryFilters, page: number): HistoryQuery {
  const query: HistoryQuery = { limit: PAGE_SIZE, offset: (Math.max(page, 1) - 1) * PAGE_SIZE };
  if (filters.status !== "all") query.status = filters.status;
  const from = startOfLocalDay(filters.from);
  const to = startOfLocalDay(filters.to, 1);
  if (from) query.date_from = from;
  if (to) query.date_to = to;
  return query;
}

/** A range whose end is before its start selects nothing: the form says so instead of asking. */
export function rangeIsValid(filters: Pick<HistoryFilters, "from" | "to">): boolean {
  return !filters.from || !filters.to || filters.from <= filters.to;
}

/** Filters kept in the address (shareable, back/forward work): ?status=won&from=…&to=…&page=2. */
export function filtersFromSearch(params: URLSearchParams): HistoryFilters & { page: number } {
  const status = params.get("status");
  const page = Number(params.get("page") ?? "1");
  return {
    status: STATUS_FILTERS.includes(status as StatusFilter) ? (status as StatusFilter) : "all",
    from: DAY.test(params.get("from") ?? "") ? (params.get("from") ?? "") : "",
    to: DAY.test(params.get("to") ?? "") ? (params.get("to") ?? "") : "",
    page: Number.isInteger(page) && page > 0 ? page : 1,
  };
}

export function searchFromFilters(filters: HistoryFilters, page: number): URLSearchParams {
  const params = new URLSearchParams();
  if (filters.status !== "all") params.set("status", filters.status);
  if (filters.from) params.set("from", filters.from);
  if (filters.to) params.set("to", filters.to);
  if (page > 1) params.set("page", String(page));
  return params;
}
