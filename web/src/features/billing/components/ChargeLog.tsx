import { useTranslation } from "react-i18next";
import { centsOf } from "@/shared/format/money";
import { Card, EmptyState, ErrorMessage, Money, Skeleton } from "@/shared/ui";
import { useCharges } from "../api/subscriptions";
import { useBillingFormat } from "./words";

/**
 * The subscription's payment log: each period charged and each plan change's refund. The log
 * names plans by id; `planNames` gives the words for the plans the page knows.
 */
export function ChargeLog({ planNames }: { planNames: ReadonlyMap<string, string> }) {
  const { t } = useTranslation("billing");
  const format = useBillingFormat();
  const charges = useCharges();
  return (
    <Card title={t("charges.title")} className="billing-section">
      {charges.error ? (
        <ErrorMessage error={charges.error} onRetry={() => void charges.refetch()} />
      ) : !charges.data ? (
        <Skeleton lines={3} />
      ) : charges.data.length === 0 ? (
        <EmptyState>{t("charges.empty")}</EmptyState>
      ) : (
        <div className="table-wrap">
          <table className="data billing-table">
            <thead>
              <tr>
                <th scope="col">{t("charges.date")}</th>
                <th scope="col">{t("charges.what")}</th>
                <th scope="col">{t("charges.period")}</th>
                <th scope="col" className="amount">
                  {t("charges.amount")}
                </th>
              </tr>
            </thead>
            <tbody>
              {charges.data.map((c) => {
                // A charge leaves the balance, a refund comes back to it.
                const cents = centsOf(c.amount);
                const signed = c.kind === "refund" ? Math.abs(cents) : -Math.abs(cents);
                const planName = c.plan_id ? planNames.get(c.plan_id) : undefined;
                return (
                  // One charge per period number, one refund per period it cuts short.
                  <tr key={`${c.kind}-${c.subscription_id}-${c.period_number}`}>
                    <td data-label={t("charges.date")} className="num">
                      {format.time(c.created_at)}
                    </td>
                    <td data-label={t("charges.what")}>
                      {/* One element: on a phone the cell is a row of its label and value. */}
                      <span>
                        {t(`charges.kind.${c.kind}`)}
                        {planName ? <span className="muted"> · {planName}</span> : null}
                      </span>
                    </td>
                    {/* Wraps (no .num): two date-times are wider than a phone. */}
                    <td data-label={t("charges.period")} className="billing-when">
                      {c.period_start && c.period_end
                        ? t("charges.range", {
                            from: format.time(c.period_start),
                            to: format.time(c.period_end),
                          })
                        : t("charges.number", { number: c.period_number })}
                    </td>
                    <td
                      data-label={t("charges.amount")}
                      className={`amount ${signed < 0 ? "billing-down" : "billing-up"}`}
                    >
                      <Money cents={signed} currency={c.currency} signed />
                    </td>
                  </tr>
                );
              })}
            </tbody>
          </table>
        </div>
      )}
    </Card>
  );
}
