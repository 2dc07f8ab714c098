/** The user's latest reports: status (polled while one is being made) and the download link. */
import { useTranslation } from "react-i18next";
import { formatDateTime } from "@/shared/format/money";
import { EmptyState, ErrorMessage, Skeleton } from "@/shared/ui";
import { useReports } from "../api/reports";
import type { Report } from "../model/reports";

/** The report's UTC days as a range ("Nov 8 – Dec 7, 2026"), never shifted by the time zone. */
function period(report: Report, locale: string): string {
  const days = new Intl.DateTimeFormat(locale, { dateStyle: "medium", timeZone: "UTC" });
  return days.formatRange(
    new Date(`${report.date_from}T00:00:00Z`),
    new Date(`${report.date_to}T00:00:00Z`),
  );
}

/** The file's size in the user's language ("47 kB" / "47 кБ"). */
function fileSize(bytes: number, locale: string): string {
  const mega = bytes >= 1024 * 1024;
  return new Intl.NumberFormat(locale, {
    style: "unit",
    unit: mega ? "megabyte" : "kilobyte",
    maximumFractionDigits: mega ? 1 : 0,
  }).format(bytes / (mega ? 1024 * 1024 : 1024));
}

function StatusBadge({ status }: { status: Report["status"] }) {
  const { t } = useTranslation("reports");
  return (
    <span className={`badge reports-badge reports-badge-${status}`}>
      {status === "pending" ? <span className="spinner" aria-hidden="true" /> : null}
      {t(`status.${status}`)}
    </span>
  );
}

function Download({ report }: { report: Report }) {
  const { t } = useTranslation("reports");
  if (report.status === "ready" && report.download_url) {
    // The link is signed (no bearer header needed), so a plain download link works.
    return (
      <a
        className="btn btn-secondary reports-download"
        href={report.download_url}
        download={report.filename}
      >
        {t("download", { format: report.format.toUpperCase() })}
        <span className="visually-hidden"> {report.filename}</span>
      </a>
    );
  }
  if (report.status === "failed") return <span className="muted">{t("failedHint")}</span>;
  if (report.status === "expired") return <span className="muted">{t("expiredHint")}</span>;
  return <span className="muted">{t("pendingHint")}</span>;
}

export function ReportList() {
  const { t, i18n } = useTranslation("reports");
  const reports = useReports();
  if (reports.isPending) return <Skeleton lines={3} height="2.25rem" />;
  if (reports.isError)
    return <ErrorMessage error={reports.error} onRetry={() => void reports.refetch()} />;
  if (!reports.data.length) return <EmptyState>{t("empty")}</EmptyState>;
  const locale = i18n.language;
  return (
    <ul className="reports-list" aria-live="polite">
      {reports.data.map((report) => (
        <li key={report.report_id} className="reports-item">
          <div className="reports-item-main">
            <span className="reports-format-tag">{report.format.toUpperCase()}</span>
            <div>
              <div className="reports-period-text num">{period(report, locale)}</div>
              <div className="muted reports-meta">
                {t("created", { at: formatDateTime(report.created_at, locale) })}
                {report.file_size_bytes !== null
                  ? ` · ${fileSize(report.file_size_bytes, locale)}`
                  : ""}
              </div>
            </div>
          </div>
          <StatusBadge status={report.status} />
          <Download report={report} />
        </li>
      ))}
    </ul>
  );
}
