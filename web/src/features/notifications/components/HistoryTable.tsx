import { useTranslation } from "react-i18next";
import { formatDateTime } from "@/shared/format/money";
import { Button, EmptyState, ErrorMessage, Skeleton } from "@/shared/ui";
import { useNotificationHistory } from "../api/notifications";
import type { DeliveryStatus } from "../model/notifications";

const TONE: Record<DeliveryStatus, string> = {
  sent: "notif-badge-sent",
  pending: "notif-badge-pending",
  failed: "badge-lost",
};

/** What was sent to the user, newest first, a page at a time. */
export function HistoryTable() {
  const { t, i18n } = useTranslation("notifications");
  const history = useNotificationHistory();
  if (history.error && !history.data) {
    return <ErrorMessage error={history.error} onRetry={() => void history.refetch()} />;
  }
  if (!history.data) return <Skeleton lines={3} height="2rem" />;
  const items = history.data.pages.flatMap((page) => page.items);
  if (items.length === 0) return <EmptyState>{t("history.none")}</EmptyState>;
  return (
    <>
      <div className="table-wrap">
        <table className="data notif-history">
          <thead>
            <tr>
              <th scope="col">{t("history.time")}</th>
              <th scope="col">{t("kinds.kind")}</th>
              <th scope="col">{t("history.channel")}</th>
              <th scope="col">{t("history.subject")}</th>
              <th scope="col">{t("history.status")}</th>
            </tr>
          </thead>
          <tbody>
            {items.map((item) => (
              <tr key={item.id}>
                <td data-label={t("history.time")} className="num">
                  {formatDateTime(item.sent_at ?? item.created_at, i18n.language)}
                </td>
                <td data-label={t("kinds.kind")}>{t(`kind.${item.kind}`)}</td>
                <td data-label={t("history.channel")}>{t(`channel.${item.channel}`)}</td>
                <td data-label={t("history.subject")} className="notif-subject">
                  {item.subject}
                </td>
                <td data-label={t("history.status")}>
                  <span className={`badge ${TONE[item.status]}`}>{t(`status.${item.status}`)}</span>
                </td>
              </tr>
            ))}
          </tbody>
        </table>
      </div>
      <ErrorMessage error={history.error} />
      {history.hasNextPage ? (
        <Button
          variant="secondary"
          busy={history.isFetchingNextPage}
          onClick={() => void history.fetchNextPage()}
        >
          {t("history.more")}
        </Button>
      ) : null}
    </>
  );
}
