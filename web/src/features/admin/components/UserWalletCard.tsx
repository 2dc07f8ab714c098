import { useTranslation } from "react-i18next";
import { formatDateTime } from "@/shared/format/money";
import { Card, EmptyState, ErrorMessage, Money, Skeleton } from "@/shared/ui";
import { useUserHistory, useUserHolds, useUserWallet } from "../api/users";
import { StatusBadge } from "./StatusBadge";

function Balances({ userId }: { userId: string }) {
  const { t } = useTranslation("admin");
  const wallet = useUserWallet(userId);
  if (wallet.isPending) return <Skeleton lines={3} />;
  if (!wallet.data) return <ErrorMessage error={wallet.error} />;
  const { balance, flags, debt } = wallet.data;
  const currency = balance.currency;
  const rows: [string, string | null][] = [
    ["wallet.current", balance.current_balance],
    ["wallet.available", balance.available_balance],
    ["wallet.locked", balance.locked_in_bets],
    ["wallet.pendingWithdrawals", balance.pending_withdrawals],
    ["wallet.deposited", balance.total_deposited],
    ["wallet.withdrawn", balance.total_withdrawn],
    ["wallet.netProfit", balance.net_profit],
    ["wallet.debt", debt],
  ];
  const alerts = [
    flags.blocked ? t("wallet.flagBlocked") : null,
    flags.in_debt ? t("wallet.flagDebt") : null,
    flags.account_flagged ? t("wallet.flagFlagged") : null,
    flags.open_disputes > 0 ? t("wallet.flagDisputes", { count: flags.open_disputes }) : null,
    flags.suspicious_activity_count > 0
      ? t("wallet.flagSuspicious", { count: flags.suspicious_activity_count })
      : null,
  ].filter((text): text is string => text !== null);
  return (
    <>
      <dl className="admin-facts admin-facts-grid">
        {rows.map(([key, amount]) => (
          <div key={key}>
            <dt>{t(key)}</dt>
            <dd>
              <Money amount={amount ?? "0.00"} currency={currency} />
            </dd>
          </div>
        ))}
      </dl>
      {alerts.length > 0 ? (
        <ul className="admin-flags">
          {alerts.map((text) => (
            <li key={text} className="badge admin-badge-warn">
              {text}
            </li>
          ))}
        </ul>
      ) : null}
    </>
  );
}

function History({ userId }: { userId: string }) {
  const { t, i18n } = useTranslation("admin");
  const history = useUserHistory(userId);
  if (history.isPending) return <Skeleton lines={4} />;
  if (!history.data) return <ErrorMessage error={history.error} />;
  if (history.data.length === 0) return <EmptyState>{t("wallet.noHistory")}</EmptyState>;
  return (
    <div className="table-wrap">
      <table className="data admin-table admin-stack">
        <caption className="admin-caption">{t("wallet.history")}</caption>
        <thead>
          <tr>
            <th scope="col">{t("fields.date")}</th>
            <th scope="col">{t("wallet.type")}</th>
            <th scope="col" className="amount">
              {t("fields.amount")}
            </th>
            <th scope="col">{t("fields.status")}</th>
          </tr>
        </thead>
        <tbody>
          {history.data.map((row) => (
            <tr key={String(row.transaction_id)}>
              <td data-label={t("fields.date")} className="num">
                {formatDateTime(row.created_at, i18n.language)}
              </td>
              <td data-label={t("wallet.type")}>
                {t(`txType.${row.type}`, { defaultValue: row.type })}
              </td>
              <td data-label={t("fields.amount")} className="amount">
                <Money amount={row.amount} signed />
              </td>
              <td data-label={t("fields.status")}>
                <StatusBadge status={row.status} />
              </td>
            </tr>
          ))}
        </tbody>
      </table>
    </div>
  );
}

function Holds({ userId }: { userId: string }) {
  const { t, i18n } = useTranslation("admin");
  const holds = useUserHolds(userId);
  if (holds.isPending) return <Skeleton lines={3} />;
  if (!holds.data) return <ErrorMessage error={holds.error} />;
  if (holds.data.holds.length === 0) return <EmptyState>{t("wallet.noHolds")}</EmptyState>;
  return (
    <div className="table-wrap">
      <table className="data admin-table admin-stack">
        <caption className="admin-caption">{t("wallet.holds")}</caption>
        <thead>
          <tr>
            <th scope="col">{t("fields.date")}</th>
            <th scope="col" className="amount">
              {t("wallet.stake")}
            </th>
            <th scope="col" className="amount">
              {t("wallet.maxPayout")}
            </th>
            <th scope="col">{t("fields.status")}</th>
          </tr>
        </thead>
        <tbody>
          {holds.data.holds.map((hold) => (
            <tr key={hold.hold_id}>
              <td data-label={t("fields.date")} className="num">
                {formatDateTime(hold.created_at, i18n.language)}
              </td>
              <td data-label={t("wallet.stake")} className="amount">
                <Money amount={hold.amount} currency={hold.currency} />
              </td>
              <td data-label={t("wallet.maxPayout")} className="amount">
                {hold.max_payout ? (
                  <Money amount={hold.max_payout} currency={hold.currency} />
                ) : (
                  "—"
                )}
              </td>
              <td data-label={t("fields.status")}>
                <StatusBadge status={hold.status} />
              </td>
            </tr>
          ))}
        </tbody>
      </table>
    </div>
  );
}

/** The user's wallet as the wallet sees it: balances, flags, recent operations, held stakes. */
export function UserWalletCard({ userId }: { userId: string }) {
  const { t } = useTranslation("admin");
  return (
    <Card title={t("wallet.title")}>
      <Balances userId={userId} />
      <History userId={userId} />
      <Holds userId={userId} />
    </Card>
  );
}
