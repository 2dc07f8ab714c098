import { useTranslation } from "react-i18next";
import { Link } from "react-router";
import { EmptyState, Money } from "@/shared/ui";
import type { PartnerStats } from "../api/partners";
import { formatCount, formatPercent } from "../model/numbers";

/** Per partner: sign-ups, first deposits, conversion, deposits, and the postbacks both ways. */
export function PartnerStatsTable({ stats }: { stats: PartnerStats[] }) {
  const { t, i18n } = useTranslation("admin");
  if (stats.length === 0) return <EmptyState>{t("partners.noStats")}</EmptyState>;
  const count = (n: number | undefined) => formatCount(n ?? 0, i18n.language);
  return (
    <div className="table-wrap">
      <table className="data admin-table admin-stack">
        <thead>
          <tr>
            <th scope="col">{t("partners.partner")}</th>
            <th scope="col" className="amount">
              {t("partners.registrations")}
            </th>
            <th scope="col" className="amount">
              {t("partners.firstDeposits")}
            </th>
            <th scope="col" className="amount">
              {t("partners.conversion")}
            </th>
            <th scope="col" className="amount">
              {t("partners.depositsSum")}
            </th>
            <th scope="col">{t("partners.outbound")}</th>
            <th scope="col">{t("partners.inbound")}</th>
          </tr>
        </thead>
        <tbody>
          {stats.map((row) => {
            const sums = Object.entries(row.deposits_sum);
            return (
              <tr key={row.partner_id}>
                <th scope="row" data-label={t("partners.partner")}>
                  <Link to={`/admin/partners/${row.partner_id}`}>{row.partner_id}</Link>
                </th>
                <td data-label={t("partners.registrations")} className="amount num">
                  {count(row.registrations)}
                </td>
                <td data-label={t("partners.firstDeposits")} className="amount num">
                  {count(row.first_deposits)}
                </td>
                <td data-label={t("partners.conversion")} className="amount num">
                  {formatPercent(Number(row.conversion) * 100, i18n.language)}
                </td>
                <td data-label={t("partners.depositsSum")} className="amount">
                  {sums.length === 0 ? (
                    <Money amount="0" />
                  ) : (
                    <span className="admin-sums">
                      {sums.map(([currency, amount]) => (
                        <Money key={currency} amount={amount} currency={currency} />
                      ))}
                    </span>
                  )}
                </td>
                <td data-label={t("partners.outbound")} className="num">
                  {t("partners.outboundCounts", {
                    delivered: count(row.outbound.delivered),
                    failed: count(row.outbound.failed),
                    pending: count(row.outbound.pending),
                  })}
                </td>
                <td data-label={t("partners.inbound")} className="num">
                  {t("partners.inboundCounts", {
                    accepted: count(row.inbound.accepted),
                    rejected: count(row.inbound.rejected),
                  })}
                </td>
              </tr>
            );
          })}
        </tbody>
      </table>
    </div>
  );
}
