import { useState } from "react";
import { useTranslation } from "react-i18next";
import { Link } from "react-router";
import { formatDateTime } from "@/shared/format/money";
import { Card, EmptyState, ErrorMessage, PageTitle, SelectField, Skeleton } from "@/shared/ui";
import {
  useDeliveries,
  useDeliveryStats,
  useRetryDelivery,
  type AdminDelivery,
  type Channel,
  type DeliveryStatus,
} from "../api/notifications";
import { ConfirmButton } from "../components/ConfirmButton";
import { FigureCard } from "../components/FigureCard";
import { deliveryFigures } from "../model/notifications";
import { formatCount } from "../model/numbers";

const STATUSES: DeliveryStatus[] = ["sent", "pending", "failed"];
const CHANNELS: Channel[] = ["email", "telegram"];
const TONE: Record<DeliveryStatus, string> = {
  sent: "admin-badge-ok",
  pending: "admin-badge-warn",
  failed: "badge-lost",
};

/** The last 24 hours' deliveries: by status, each with its split by channel. */
export function DeliveryFigures() {
  const { t, i18n } = useTranslation("admin");
  const stats = useDeliveryStats();
  if (stats.error) return <ErrorMessage error={stats.error} onRetry={() => void stats.refetch()} />;
  if (!stats.data) return <Skeleton lines={1} height="5rem" />;
  const figures = deliveryFigures(stats.data.counts);
  const count = (n: number) => formatCount(n, i18n.language);
  return (
    <section className="admin-figures" aria-label={t("notifications.figures")}>
      <FigureCard
        label={t("notifications.total")}
        value={count(figures.total)}
        note={t("notifications.since", { time: formatDateTime(stats.data.since, i18n.language) })}
      />
      {STATUSES.map((status) => (
        <FigureCard
          key={status}
          label={t(`notifications.statuses.${status}`)}
          value={count(figures.byStatus[status])}
          note={CHANNELS.map(
            (channel) =>
              `${t(`notifications.channels.${channel}`)} ${count(figures.cell[status][channel])}`,
          ).join(" · ")}
        />
      ))}
    </section>
  );
}

function DeliveryRow({ delivery }: { delivery: AdminDelivery }) {
  const { t, i18n } = useTranslation("admin");
  const retry = useRetryDelivery();
  return (
    <tr>
      <th scope="row" data-label={t("notifications.created")} className="num">
        {formatDateTime(delivery.created_at, i18n.language)}
      </th>
      <td data-label={t("fields.user")}>
        <Link className="admin-id" to={`/admin/users/${delivery.user_id}`}>
          {delivery.user_id.slice(0, 8)}
        </Link>
      </td>
      <td data-label={t("notifications.kind")}>
        {t(`kind.${delivery.kind}`, { ns: "notifications" })}
      </td>
      <td data-label={t("notifications.channel")}>
        {t(`notifications.channels.${delivery.channel}`)}
      </td>
      <td data-label={t("notifications.subject")} className="admin-details">
        {delivery.subject}
        {delivery.last_error ? (
          <div className="admin-note">
            {t("notifications.lastError", { error: delivery.last_error })}
          </div>
        ) : null}
      </td>
      <td data-label={t("fields.status")}>
        <span className={`badge ${TONE[delivery.status]}`}>
          {t(`notifications.statuses.${delivery.status}`)}
        </span>
        <div className="muted num">{t("notifications.attempts", { count: delivery.attempts })}</div>
      </td>
      <td data-label={t("markets.actions")}>
        {delivery.status === "failed" ? (
          <ConfirmButton
            label={t("notifications.retry")}
            question={t("notifications.confirmRetry", { subject: delivery.subject })}
            danger={false}
            busy={retry.isPending}
            onConfirm={() => retry.mutate(delivery.id)}
          />
        ) : null}
        <ErrorMessage error={retry.error} />
      </td>
    </tr>
  );
}

/** Notifications (issue 23): the last 24 hours' figures, the deliveries, a retry of a failed one. */
export function Component() {
  const { t } = useTranslation("admin");
  const [status, setStatus] = useState<DeliveryStatus | "">("");
  const [channel, setChannel] = useState<Channel | "">("");
  const deliveries = useDeliveries({ status, channel });
  return (
    <>
      <PageTitle>{t("notifications.title")}</PageTitle>
      <DeliveryFigures />
      <Card title={t("notifications.deliveries")}>
        <div className="admin-filters">
          <SelectField
            label={t("fields.status")}
            value={status}
            onChange={(event) => setStatus(event.target.value as DeliveryStatus | "")}
          >
            <option value="">{t("notifications.all")}</option>
            {STATUSES.map((value) => (
              <option key={value} value={value}>
                {t(`notifications.statuses.${value}`)}
              </option>
            ))}
          </SelectField>
          <SelectField
            label={t("notifications.channel")}
            value={channel}
            onChange={(event) => setChannel(event.target.value as Channel | "")}
          >
            <option value="">{t("notifications.all")}</option>
            {CHANNELS.map((value) => (
              <option key={value} value={value}>
                {t(`notifications.channels.${value}`)}
              </option>
            ))}
          </SelectField>
        </div>
        <ErrorMessage error={deliveries.error} onRetry={() => void deliveries.refetch()} />
        {deliveries.isPending ? <Skeleton lines={4} height="2.4rem" /> : null}
        {deliveries.data && deliveries.data.length === 0 ? (
          <EmptyState>{t("notifications.none")}</EmptyState>
        ) : null}
        {deliveries.data && deliveries.data.length > 0 ? (
          <div className="table-wrap">
            <table className="data admin-table admin-stack">
              <thead>
                <tr>
                  <th scope="col">{t("notifications.created")}</th>
                  <th scope="col">{t("fields.user")}</th>
                  <th scope="col">{t("notifications.kind")}</th>
                  <th scope="col">{t("notifications.channel")}</th>
                  <th scope="col">{t("notifications.subject")}</th>
                  <th scope="col">{t("fields.status")}</th>
                  <th scope="col">{t("markets.actions")}</th>
                </tr>
              </thead>
              <tbody>
                {deliveries.data.map((delivery) => (
                  <DeliveryRow key={delivery.id} delivery={delivery} />
                ))}
              </tbody>
            </table>
          </div>
        ) : null}
      </Card>
    </>
  );
}
