import { useTranslation } from "react-i18next";
import { Card, EmptyState, ErrorMessage, Money, Skeleton } from "@/shared/ui";
import { useOrders } from "../api/packages";
import { useBillingFormat } from "./words";

const TONE = {
  paid: "billing-badge-ok",
  pending: "billing-badge-warn",
  failed: "billing-badge-bad",
} as const;

/** The package orders: the payment log (seed 004), newest first as the API gives it. */
export function OrderLog() {
  const { t } = useTranslation("billing");
  const format = useBillingFormat();
  const orders = useOrders();
  return (
    <Card title={t("orders.title")} className="billing-section">
      {orders.error ? (
        <ErrorMessage error={orders.error} onRetry={() => void orders.refetch()} />
      ) : !orders.data ? (
        <Skeleton lines={3} />
      ) : orders.data.length === 0 ? (
        <EmptyState>{t("orders.empty")}</EmptyState>
      ) : (
        <div className="table-wrap">
          <table className="data billing-table">
            <thead>
              <tr>
                <th scope="col">{t("orders.date")}</th>
                <th scope="col">{t("orders.package")}</th>
                <th scope="col">{t("orders.method")}</th>
                <th scope="col">{t("orders.status")}</th>
                <th scope="col" className="amount">
                  {t("orders.amount")}
                </th>
              </tr>
            </thead>
            <tbody>
              {orders.data.map((o) => (
                <tr key={o.order_id}>
                  <td data-label={t("orders.date")} className="num">
                    {format.time(o.created_at)}
                  </td>
                  <td data-label={t("orders.package")}>{o.package_name ?? "—"}</td>
                  <td data-label={t("orders.method")}>{t(`orders.methods.${o.method}`)}</td>
                  <td data-label={t("orders.status")}>
                    <span className={`badge ${TONE[o.status] ?? ""}`}>
                      {t(`orders.statuses.${o.status}`, { defaultValue: o.status })}
                    </span>
                    {o.failure_reason ? <div className="muted">{o.failure_reason}</div> : null}
                  </td>
                  <td data-label={t("orders.amount")} className="amount">
                    <Money amount={o.amount} currency={o.currency} />
                  </td>
                </tr>
              ))}
            </tbody>
          </table>
        </div>
      )}
    </Card>
  );
}
