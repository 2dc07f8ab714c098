import { useState } from "react";
import { useTranslation } from "react-i18next";
import { authFetch } from "@/shared/api/client";
import { errorFrom } from "@/shared/api/errors";
import { Button, Card, EmptyState, ErrorMessage, Skeleton } from "@/shared/ui";
import { useStatements } from "../api/queries";
import type { Statement } from "../model/types";
import { useMoney } from "./useMoney";

const ROWS: [string, keyof Statement][] = [
  ["statements.opening", "opening_balance"],
  ["statements.deposits", "total_deposits"],
  ["statements.withdrawals", "total_withdrawals"],
  ["statements.stakes", "total_stakes"],
  ["statements.winnings", "total_winnings"],
  ["statements.refunds", "total_refunds"],
  ["statements.adjustments", "adjustments"],
  ["statements.closing", "closing_balance"],
  ["statements.netProfit", "net_profit"],
];

/** The PDF needs the bearer token, so it is fetched and handed to the browser as a file. */
async function downloadPdf(s: Statement): Promise<void> {
  const response = await authFetch(
    new Request(`/api/wallet/statements/${s.year}/${s.month}?format=pdf`),
  );
  if (!response.ok) throw await errorFrom(response);
  const url = URL.createObjectURL(await response.blob());
  const link = document.createElement("a");
  link.href = url;
  link.download = `statement_${s.year}_${String(s.month).padStart(2, "0")}.pdf`;
  link.click();
  setTimeout(() => URL.revokeObjectURL(url), 10_000);
}

function StatementDetail({ statement }: { statement: Statement }) {
  const { t } = useTranslation("wallet");
  const money = useMoney();
  return (
    <dl className="wallet-statement">
      {ROWS.map(([label, field]) => (
        <div key={field}>
          <dt>{t(label)}</dt>
          <dd className="num">{money(String(statement[field]))}</dd>
        </div>
      ))}
      <div>
        <dt>{t("statements.bets")}</dt>
        <dd className="num">{statement.bets_placed}</dd>
      </div>
      <div>
        <dt>{t("statements.operations")}</dt>
        <dd className="num">{statement.transaction_count}</dd>
      </div>
    </dl>
  );
}

export function Statements() {
  const { t, i18n } = useTranslation("wallet");
  const statements = useStatements();
  const [open, setOpen] = useState<string | null>(null);
  const [error, setError] = useState<unknown>(null);
  const monthName = (s: Statement) =>
    new Intl.DateTimeFormat(i18n.language, {
      month: "long",
      year: "numeric",
      timeZone: "UTC",
    }).format(new Date(Date.UTC(s.year, s.month - 1, 1)));
  return (
    <Card title={t("statements.title")} className="wallet-section">
      <ErrorMessage error={error} />
      {statements.error ? (
        <ErrorMessage error={statements.error} onRetry={() => void statements.refetch()} />
      ) : !statements.data ? (
        <Skeleton lines={2} />
      ) : !statements.data.length ? (
        <EmptyState>{t("statements.empty")}</EmptyState>
      ) : (
        <ul className="wallet-list">
          {statements.data.map((s) => {
            const key = `${s.year}-${s.month}`;
            const name = monthName(s);
            return (
              <li key={key} className="wallet-statement-item">
                <div className="wallet-list-item">
                  <strong className="wallet-capitalize">{name}</strong>
                  <span className="wallet-list-actions">
                    <Button
                      variant="ghost"
                      aria-expanded={open === key}
                      aria-label={t("statements.viewLabel", { month: name })}
                      onClick={() => setOpen(open === key ? null : key)}
                    >
                      {open === key ? t("statements.hide") : t("statements.view")}
                    </Button>
                    <Button
                      variant="ghost"
                      aria-label={t("statements.pdfLabel", { month: name })}
                      onClick={() => downloadPdf(s).catch(setError)}
                    >
                      {t("statements.pdf")}
                    </Button>
                  </span>
                </div>
                {open === key ? <StatementDetail statement={s} /> : null}
              </li>
            );
          })}
        </ul>
      )}
    </Card>
  );
}
