/**
 * Reports (docs/reports.md): an export of the user's bets, transactions and statistics for a
 * period of UTC days (both inclusive, at most MAX_PERIOD_DAYS), as CSV or PDF. A report is
 * `pending` while it is made, then `ready` (with a signed 15-minute download link), `failed`
 * or `expired` (files are kept 7 days).
 */
import { z } from "zod";

export type ReportFormat = "csv" | "pdf";
export type ReportStatus = "pending" | "ready" | "failed" | "expired";

export interface Report {
  report_id: string;
  filename: string;
  format: ReportFormat;
  status: ReportStatus;
  file_size: string | null;
  file_size_bytes: number | null;
  row_count: number | null;
  date_from: string;
  date_to: string;
  created_at: string;
  ready_at: string | null;
  expires_at: string;
  download_url: string | null;
  link_expires_at: string | null;
}

export interface ExportRequest {
  format: ReportFormat;
  date_from: string;
  date_to: string;
  include_bets: boolean;
  include_transactions: boolean;
  include_statistics: boolean;
}

/** The wallet's cap (WALLET_REPORT_MAX_PERIOD_DAYS default). */
export const MAX_PERIOD_DAYS = 366;
export const DEFAULT_PERIOD_DAYS = 30;

const DAY_MS = 86_400_000;

/** "YYYY-MM-DD" of a Date's UTC day (the API's days are UTC days). */
export function utcDay(date: Date): string {
  return date.toISOString().slice(0, 10);
}

/** Days from `from` to `to`, both inclusive (1 for the same day). */
export function periodDays(from: string, to: string): number {
  return Math.round((Date.parse(`${to}T00:00:00Z`) - Date.parse(`${from}T00:00:00Z`)) / DAY_MS) + 1;
}

/** The form's defaults: the API's own default period (the last 30 days, today included). */
export function defaultExport(now: Date = new Date()): ExportRequest {
  return {
    format: "csv",
    date_from: utcDay(new Date(now.getTime() - (DEFAULT_PERIOD_DAYS - 1) * DAY_MS)),
    date_to: utcDay(now),
    include_bets: true,
    include_transactions: true,
    include_statistics: true,
  };
}

const day = z.string().regex(/^\d{4}-\d{2}-\d{2}$/, "date");

/** The form's rules, the same the API checks (422 report.period_invalid); messages are i18n keys. */
export const exportSchema = z
  .object({
    format: z.enum(["csv", "pdf"]),
    date_from: day,
    date_to: day,
    include_bets: z.boolean(),
    include_transactions: z.boolean(),
    include_statistics: z.boolean(),
  })
  .superRefine((value, ctx) => {
    if (value.date_to < value.date_from) {
      ctx.addIssue({ code: "custom", path: ["date_to"], message: "toBeforeFrom" });
    } else if (periodDays(value.date_from, value.date_to) > MAX_PERIOD_DAYS) {
      ctx.addIssue({ code: "custom", path: ["date_to"], message: "tooLong" });
    }
    if (!value.include_bets && !value.include_transactions && !value.include_statistics) {
      ctx.addIssue({ code: "custom", path: ["include_bets"], message: "noSection" });
    }
  });

/** While any report is being made, the list is polled. */
export function anyInProgress(reports: readonly Report[]): boolean {
  return reports.some((report) => report.status === "pending");
}
