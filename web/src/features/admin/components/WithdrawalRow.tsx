import { useTranslation } from "react-i18next";
import { Link } from "react-router";
import { formatDateTime } from "@/shared/format/money";
import { ErrorMessage, Money } from "@/shared/ui";
import { useApproveWithdrawal, useRejectWithdrawal } from "../api/withdrawals";
import type { AdminWithdrawal } from "../api/types";
import { ConfirmButton } from "./ConfirmButton";
import { ReasonForm } from "./ReasonForm";
import { StatusBadge } from "./StatusBadge";

/**
 * One withdrawal of the queue. Approve asks once more; reject needs a reason (the user reads it).
 * The wallet refuses an admin's own withdrawal (four eyes): that refusal shows here in words.
 */
export function WithdrawalRow({ withdrawal }: { withdrawal: AdminWithdrawal }) {
  const { t, i18n } = useTranslation("admin");
  const approve = useApproveWithdrawal();
  const reject = useRejectWithdrawal();
  const w = withdrawal;
  const approvals = w.approvals?.length ?? 0;
  const required = w.approvals_required ?? 1;
  return (
    <tr>
      <td data-label={t("fields.requested")} className="num">
        {formatDateTime(w.created_at, i18n.language)}
      </td>
      <td data-label={t("fields.user")}>
        <Link to={`/admin/users/${w.user_id}`} className="admin-id">
          {w.user_id.slice(0, 8)}
        </Link>
      </td>
      <td data-label={t("fields.amount")} className="amount">
        <Money amount={w.amount} currency={w.currency} />
      </td>
      <td data-label={t("fields.status")}>
        <StatusBadge status={w.status} />
        {w.rejection_reason ? <div className="muted">{w.rejection_reason}</div> : null}
      </td>
      <td data-label={t("withdrawals.flags")}>
        {w.flags && w.flags.length > 0 ? (
          <ul className="admin-flags">
            {w.flags.map((flag) => (
              <li key={flag} className="badge admin-badge-warn">
                {t(`flags.${flag}`, { defaultValue: flag })}
              </li>
            ))}
          </ul>
        ) : (
          <span className="muted">—</span>
        )}
      </td>
      <td data-label={t("withdrawals.approvals")} className="num">
        {t("withdrawals.approvalsOf", { count: approvals, required })}
      </td>
      <td data-label={t("markets.actions")}>
        {w.status === "pending" ? (
          <div className="admin-row admin-row-tight">
            <ConfirmButton
              label={t("actions.approve")}
              question={t("withdrawals.confirmApprove")}
              danger={false}
              busy={approve.isPending}
              onConfirm={() => approve.mutate(w.operation_id)}
            />
            <ReasonForm
              label={t("actions.reject")}
              question={t("withdrawals.confirmReject")}
              required
              busy={reject.isPending}
              onSubmit={(reason) =>
                reject.mutate({ operationId: w.operation_id, reason: reason ?? "" })
              }
            />
          </div>
        ) : null}
        <ErrorMessage error={approve.error ?? reject.error} />
      </td>
    </tr>
  );
}
