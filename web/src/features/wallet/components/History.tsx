import { useState } from "react";
import { useTranslation } from "react-i18next";
import { centsOf, formatDateTime } from "@/shared/format/money";
import {
  Button,
  Card,
  EmptyState,
  ErrorMessage,
  SelectField,
  Skeleton,
  TextField,
} from "@/shared/ui";
import { PAGE_SIZE, useHistory, type HistoryFilters } from "../api/queries";
import { useMoney } from "./useMoney";

const TYPES = ["deposit", "withdrawal", "bet_placed", "bet_won", "refund"] as const;
const STATUSES = ["completed", "pending", "failed", "rejected", "cancelled"] as const;

const START: HistoryFilters = { type: "", status: "", dateFrom: "", dateTo: "", page: 1 };

function Filters({
  value,
  onChange,
}: {
  value: HistoryFilters;
  onChange: (next: HistoryFilters) => void;
}) {
  const { t } = useTranslation("wallet");
  const set = (patch: Partial<HistoryFilters>) => onChange({ ...value, ...patch, page: 1 });
  return (
    <div className="wallet-filters">
      <SelectField
        label={t("history.type")}
        value={value.type}
        onChange={(e) => set({ type: e.target.value as HistoryFilters["type"] })}
      >
        <option value="">{t("history.all")}</option>
        {TYPES.map((type) => (
          <option key={type} value={type}>
            {t(`history.types.${type}`)}
          </option>
        ))}
      </SelectField>
      <SelectField
        label={t("history.status")}
        value={value.status}
        onChange={(e) => set({ status: e.target.value as HistoryFilters["status"] })}
      >
        <option value="">{t("history.all")}</option>
        {STATUSES.map((status) => (
          <option key={status} value={status}>
            {t(`history.statuses.${status}`)}
          </option>
        ))}
      </SelectField>
      <TextField
        type="date"
        label={t("history.from")}
        value={value.dateFrom}
        max={value.dateTo || undefined}
        onChange={(e) => set({ dateFrom: e.target.value })}
      />
      <TextField
        type="date"
        label={t("history.to")}
        value={value.dateTo}
        min={value.dateFrom || undefined}
        onChange={(e) => set({ dateTo: e.target.value })}
      />
    </div>
  );
}

export function History() {
  const { t, i18n } = useTranslation("wallet");
  const money = useMoney();
  const [filters, setFilters] = useState<HistoryFilters>(START);
  const history = useHistory(filters);
  const total = history.data?.pagination.transactions.total_items ?? 0;
  const pages = Math.max(1, Math.ceil(total / PAGE_SIZE));
  return (
    <Card title={t("history.title")} className="wallet-section">
      <Filters value={filters} onChange={setFilters} />
      {history.error ? (
        <ErrorMessage error={history.error} onRetry={() => void history.refetch()} />
      ) : !history.data ? (
        <Skeleton lines={5} />
      ) : !history.data.transactions.length ? (
        <EmptyState>{t("history.empty")}</EmptyState>
      ) : (
        <div className="table-wrap">
          <table className="data wallet-history">
            <thead>
              <tr>
                <th scope="col">{t("history.date")}</th>
                <th scope="col">{t("history.type")}</th>
                <th scope="col" className="wallet-col-description">
                  {t("history.description")}
                </th>
                <th scope="col" className="amount">
                  {t("history.amount")}
                </th>
                <th scope="col" className="amount wallet-col-after">
                  {t("history.balanceAfter")}
                </th>
                <th scope="col" className="wallet-col-status">
                  {t("history.status")}
                </th>
              </tr>
            </thead>
            <tbody>
              {history.data.transactions.map((row) => {
                const cents = centsOf(row.amount);
                return (
                  <tr key={row.transaction_id}>
                    <td className="wallet-date">{formatDateTime(row.created_at, i18n.language)}</td>
                    <td>{t(`history.types.${row.type}`, { defaultValue: row.type })}</td>
                    <td className="wallet-col-description">{row.description}</td>
                    <td
                      className={`amount num ${cents > 0 ? "wallet-up" : cents < 0 ? "wallet-down" : ""}`}
                    >
                      {cents > 0 ? "+" : ""}
                      {money(cents)}
                    </td>
                    <td className="amount num wallet-col-after">
                      {row.balance_after === null ? "" : money(row.balance_after)}
                    </td>
                    <td className="wallet-col-status">
                      {t(`history.statuses.${row.status}`, { defaultValue: row.status })}
                    </td>
                  </tr>
                );
              })}
            </tbody>
          </table>
        </div>
      )}
      {total > PAGE_SIZE ? (
        <nav className="wallet-pager" aria-label={t("history.title")}>
          <Button
            variant="secondary"
            disabled={filters.page <= 1}
            onClick={() => setFilters({ ...filters, page: filters.page - 1 })}
          >
            {t("actions.previous", { ns: "common" })}
          </Button>
          <span aria-live="polite">{t("history.page", { page: filters.page, pages })}</span>
          <Button
            variant="secondary"
            disabled={filters.page >= pages}
            onClick={() => setFilters({ ...filters, page: filters.page + 1 })}
          >
            {t("actions.next", { ns: "common" })}
          </Button>
        </nav>
      ) : null}
    </Card>
  );
}
