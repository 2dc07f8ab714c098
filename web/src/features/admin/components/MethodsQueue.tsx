import { useTranslation } from "react-i18next";
import { Link } from "react-router";
import { formatDateTime } from "@/shared/format/money";
import { Card, EmptyState, ErrorMessage, Skeleton } from "@/shared/ui";
import type { AdminWithdrawalMethod } from "../api/types";
import { useVerifyMethod, useWithdrawalMethods } from "../api/withdrawals";
import { ConfirmButton } from "./ConfirmButton";

function MethodRow({ method }: { method: AdminWithdrawalMethod }) {
  const { t, i18n } = useTranslation("admin");
  const verify = useVerifyMethod();
  return (
    <tr>
      <td data-label={t("fields.added")} className="num">
        {formatDateTime(method.created_at, i18n.language)}
      </td>
      <td data-label={t("fields.user")}>
        <Link to={`/admin/users/${method.user_id}`} className="admin-id">
          {method.user_id.slice(0, 8)}
        </Link>
      </td>
      <td data-label={t("methods.kind")}>
        {t(`methods.type.${method.withdrawal_type}`, { defaultValue: method.withdrawal_type })}
      </td>
      <td data-label={t("methods.destination")} className="num">
        {method.destination}
      </td>
      <td data-label={t("methods.holder")}>
        {method.account_holder_name ?? method.network ?? "—"}
      </td>
      <td data-label={t("markets.actions")}>
        <ConfirmButton
          label={t("actions.verify")}
          question={t("methods.confirmVerify")}
          danger={false}
          busy={verify.isPending}
          onConfirm={() => verify.mutate(method.method_id)}
        />
        <ErrorMessage error={verify.error} />
      </td>
    </tr>
  );
}

/** Withdrawal destinations waiting for an admin to verify them (oldest first). */
export function MethodsQueue() {
  const { t } = useTranslation("admin");
  const methods = useWithdrawalMethods("unverified");
  return (
    <Card title={t("methods.title")}>
      <ErrorMessage error={methods.error} onRetry={() => void methods.refetch()} />
      {methods.isPending ? <Skeleton lines={3} height="2.4rem" /> : null}
      {methods.data && methods.data.methods.length === 0 ? (
        <EmptyState>{t("methods.none")}</EmptyState>
      ) : null}
      {methods.data && methods.data.methods.length > 0 ? (
        <div className="table-wrap">
          <table className="data admin-table admin-stack">
            <thead>
              <tr>
                <th scope="col">{t("fields.added")}</th>
                <th scope="col">{t("fields.user")}</th>
                <th scope="col">{t("methods.kind")}</th>
                <th scope="col">{t("methods.destination")}</th>
                <th scope="col">{t("methods.holder")}</th>
                <th scope="col">{t("markets.actions")}</th>
              </tr>
            </thead>
            <tbody>
              {methods.data.methods.map((method) => (
                <MethodRow key={method.method_id} method={method} />
              ))}
            </tbody>
          </table>
        </div>
      ) : null}
    </Card>
  );
}
