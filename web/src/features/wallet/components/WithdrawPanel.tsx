import { useTranslation } from "react-i18next";
import { centsOf, formatDateTime } from "@/shared/format/money";
import { Button, Card, ErrorMessage, Skeleton } from "@/shared/ui";
import { useCancelWithdrawal } from "../api/mutations";
import {
  useBalance,
  useWithdrawalLimits,
  useWithdrawalMethods,
  useWithdrawals,
} from "../api/queries";
import { withdrawalLimits } from "../model/limits";
import type { Withdrawal } from "../model/types";
import { useMoney } from "./useMoney";
import { WithdrawForm } from "./WithdrawForm";

const STATUS_BADGE: Record<Withdrawal["status"], string> = {
  pending: "wallet-badge-pending",
  completed: "wallet-badge-ok",
  rejected: "badge-lost",
  cancelled: "",
};

function WithdrawalsList({ withdrawals }: { withdrawals: Withdrawal[] }) {
  const { t, i18n } = useTranslation("wallet");
  const money = useMoney();
  const cancel = useCancelWithdrawal();
  if (!withdrawals.length) return null;
  return (
    <>
      <h3>{t("withdraw.pendingTitle")}</h3>
      <ErrorMessage error={cancel.error} />
      <ul className="wallet-list">
        {withdrawals.slice(0, 10).map((w) => (
          <li key={w.operation_id} className="wallet-list-item">
            <span>
              <span className="num">{money(w.amount)}</span>{" "}
              <span className="muted">{formatDateTime(w.created_at, i18n.language)}</span>
              {w.rejection_reason ? <span className="muted"> — {w.rejection_reason}</span> : null}
            </span>
            <span className="wallet-list-actions">
              <span className={`badge ${STATUS_BADGE[w.status]}`}>
                {t(`withdraw.status.${w.status}`)}
              </span>
              {w.status === "pending" ? (
                <Button
                  variant="ghost"
                  aria-label={t("withdraw.cancelLabel", { amount: money(w.amount) })}
                  busy={cancel.isPending && cancel.variables === w.operation_id}
                  onClick={() => cancel.mutate(w.operation_id)}
                >
                  {t("withdraw.cancel")}
                </Button>
              ) : null}
            </span>
          </li>
        ))}
      </ul>
    </>
  );
}

export function WithdrawPanel() {
  const { t } = useTranslation("wallet");
  const balance = useBalance();
  const methods = useWithdrawalMethods();
  const withdrawals = useWithdrawals();
  const limits = useWithdrawalLimits();
  const error = balance.error ?? methods.error ?? withdrawals.error ?? limits.error;
  const retry = () => {
    for (const query of [balance, methods, withdrawals, limits]) {
      if (query.error) void query.refetch();
    }
  };
  return (
    <Card title={t("withdraw.title")} className="wallet-section">
      {error ? (
        <ErrorMessage error={error} onRetry={retry} />
      ) : !balance.data || !methods.data || !withdrawals.data || !limits.data ? (
        <Skeleton lines={4} />
      ) : (
        <>
          {methods.data.some((m) => m.is_verified) ? null : (
            <p className="alert alert-info">{t("withdraw.noVerified")}</p>
          )}
          <WithdrawForm
            available={Math.max(0, centsOf(balance.data.available_balance))}
            limits={withdrawalLimits(limits.data)}
            methods={methods.data}
          />
          <WithdrawalsList withdrawals={withdrawals.data} />
        </>
      )}
    </Card>
  );
}
