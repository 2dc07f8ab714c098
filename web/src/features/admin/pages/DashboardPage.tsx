import { useTranslation } from "react-i18next";
import { ErrorMessage, Money, PageTitle, Skeleton } from "@/shared/ui";
import { useBetsStats, useWalletStats } from "../api/dashboard";
import { DashboardCharts } from "../components/DashboardCharts";
import { FigureCard } from "../components/FigureCard";
import { formatCount, formatPercent } from "../model/numbers";

/** The admin figures: bets volume, payout rate, liabilities, money in and out, users. */
export function Component() {
  const { t, i18n } = useTranslation("admin");
  const bets = useBetsStats();
  const wallet = useWalletStats();
  const count = (n: number) => formatCount(n, i18n.language);
  const currency = wallet.data?.currency;
  return (
    <>
      <PageTitle>{t("dashboard.title")}</PageTitle>
      <ErrorMessage error={bets.error} onRetry={() => void bets.refetch()} />
      <ErrorMessage error={wallet.error} onRetry={() => void wallet.refetch()} />
      {bets.isPending || wallet.isPending ? <Skeleton lines={4} height="4.5rem" /> : null}
      {bets.data && wallet.data ? (
        <section className="admin-figures" aria-label={t("dashboard.figures")}>
          <FigureCard
            label={t("dashboard.volume")}
            value={<Money amount={bets.data.volume.stakes} currency={currency} />}
            note={t("dashboard.volumeNote", {
              bets: count(bets.data.volume.bets),
              singles: count(bets.data.volume.singles),
              coupons: count(bets.data.volume.coupons),
            })}
          />
          <FigureCard
            label={t("dashboard.payoutRate")}
            value={formatPercent(bets.data.settled.payout_rate_percent, i18n.language)}
            note={
              <>
                {t("dashboard.margin")}{" "}
                <Money amount={bets.data.settled.house_margin} currency={currency} />
              </>
            }
          />
          <FigureCard
            label={t("dashboard.liabilities")}
            value={
              <Money amount={bets.data.open_liabilities.worst_case_payout} currency={currency} />
            }
            note={t("dashboard.liabilitiesNote", { bets: count(bets.data.open_liabilities.bets) })}
          />
          <FigureCard
            label={t("dashboard.deposits")}
            value={<Money amount={wallet.data.deposits.total} currency={currency} />}
            note={t("dashboard.depositsNote", { count: wallet.data.deposits.count })}
          />
          <FigureCard
            label={t("dashboard.withdrawals")}
            value={<Money amount={wallet.data.withdrawals.completed_total} currency={currency} />}
            note={
              <>
                {t("dashboard.pendingNote", { count: wallet.data.withdrawals.pending_count })}{" "}
                <Money amount={wallet.data.withdrawals.pending_total} currency={currency} />
              </>
            }
          />
          <FigureCard
            label={t("dashboard.activeUsers")}
            value={count(wallet.data.wallets.active_last_30_days)}
            note={t("dashboard.walletsNote", { count: wallet.data.wallets.total })}
          />
          <FigureCard
            label={t("dashboard.newUsers")}
            value={count(wallet.data.wallets.new_last_7_days)}
            note={t("dashboard.blockedNote", {
              blocked: count(wallet.data.wallets.blocked),
              debt: count(wallet.data.wallets.in_debt_count),
            })}
          />
        </section>
      ) : null}
      {bets.data && wallet.data ? <DashboardCharts bets={bets.data} wallet={wallet.data} /> : null}
    </>
  );
}
