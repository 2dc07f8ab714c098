import { useTranslation } from "react-i18next";
import { useSearchParams } from "react-router";
import { Card, EmptyState, ErrorMessage, PageTitle, SelectField, Skeleton } from "@/shared/ui";
import type { AdminWithdrawal, WithdrawalStatus } from "../api/types";
import { useWithdrawals } from "../api/withdrawals";
import { MethodsQueue } from "../components/MethodsQueue";
import { WithdrawalRow } from "../components/WithdrawalRow";

const STATUSES: WithdrawalStatus[] = ["pending", "completed", "rejected", "cancelled"];

/** Pending first (the work to do), then the rest newest first. */
function queueOrder(list: AdminWithdrawal[]): AdminWithdrawal[] {
  const pending = list.filter((w) => w.status === "pending");
  const rest = list
    .filter((w) => w.status !== "pending")
    .sort((a, b) => b.created_at.localeCompare(a.created_at));
  return [...pending, ...rest];
}

export function Component() {
  const { t } = useTranslation("admin");
  const [params, setParams] = useSearchParams();
  const raw = params.get("status");
  const status: WithdrawalStatus | "" =
    raw === "all" ? "" : (STATUSES.find((s) => s === raw) ?? "pending");
  const withdrawals = useWithdrawals(status);
  return (
    <>
      <PageTitle>{t("withdrawals.title")}</PageTitle>
      <Card
        title={t("withdrawals.queue")}
        actions={
          <SelectField
            label={t("fields.status")}
            className="admin-inline-field"
            value={status || "all"}
            onChange={(e) => setParams({ status: e.target.value }, { replace: true })}
          >
            {STATUSES.map((s) => (
              <option key={s} value={s}>
                {t(`status.${s}`)}
              </option>
            ))}
            <option value="all">{t("withdrawals.all")}</option>
          </SelectField>
        }
      >
        <ErrorMessage error={withdrawals.error} onRetry={() => void withdrawals.refetch()} />
        {withdrawals.isPending ? <Skeleton lines={4} height="2.4rem" /> : null}
        {withdrawals.data && withdrawals.data.withdrawals.length === 0 ? (
          <EmptyState>{t("withdrawals.none")}</EmptyState>
        ) : null}
        {withdrawals.data && withdrawals.data.withdrawals.length > 0 ? (
          <div className="table-wrap">
            <table className="data admin-table admin-stack">
              <thead>
                <tr>
                  <th scope="col">{t("fields.requested")}</th>
                  <th scope="col">{t("fields.user")}</th>
                  <th scope="col" className="amount">
                    {t("fields.amount")}
                  </th>
                  <th scope="col">{t("fields.status")}</th>
                  <th scope="col">{t("withdrawals.flags")}</th>
                  <th scope="col">{t("withdrawals.approvals")}</th>
                  <th scope="col">{t("markets.actions")}</th>
                </tr>
              </thead>
              <tbody>
                {queueOrder(withdrawals.data.withdrawals).map((w) => (
                  <WithdrawalRow key={w.operation_id} withdrawal={w} />
                ))}
              </tbody>
            </table>
          </div>
        ) : null}
      </Card>
      <MethodsQueue />
    </>
  );
}
