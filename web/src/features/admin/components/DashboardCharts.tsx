/** The dashboard's charts (Recharts, only in this lazy page's chunk). */
import { useMemo, type ReactElement } from "react";
import { useTranslation } from "react-i18next";
import {
  Bar,
  BarChart,
  CartesianGrid,
  ComposedChart,
  Line,
  ResponsiveContainer,
  Tooltip,
  XAxis,
  YAxis,
} from "recharts";
import { formatMoney } from "@/shared/format/money";
import { useDailyBetsStats } from "../api/dashboard";
import type { BetsAdminStats, WalletAdminStats } from "../api/types";
import { lastDays } from "../model/days";
import { chartAmount, formatPercent } from "../model/numbers";

const AXIS = { stroke: "var(--muted)", fontSize: 12 };
const TOOLTIP = {
  contentStyle: {
    background: "var(--surface)",
    border: "1px solid var(--border)",
    color: "var(--text)",
    borderRadius: 6,
  },
  cursor: { fill: "var(--surface-2)" },
};

function ChartCard({
  title,
  empty,
  children,
}: {
  title: string;
  empty?: string;
  children: ReactElement;
}) {
  return (
    <figure className="card admin-chart">
      <figcaption className="card-title">{title}</figcaption>
      {empty ? (
        <p className="empty">{empty}</p>
      ) : (
        <div className="admin-chart-box">
          <ResponsiveContainer width="100%" height="100%">
            {children}
          </ResponsiveContainer>
        </div>
      )}
    </figure>
  );
}

function useMoney(currency: string) {
  const { i18n } = useTranslation();
  return (value: unknown) => formatMoney(Math.round(Number(value) * 100), i18n.language, currency);
}

function DailyVolume({ currency }: { currency: string }) {
  const { t, i18n } = useTranslation("admin");
  const days = useMemo(() => lastDays(14), []);
  const results = useDailyBetsStats(days);
  const money = useMoney(currency);
  const dayFormat = new Intl.DateTimeFormat(i18n.language, {
    day: "numeric",
    month: "short",
    timeZone: "UTC",
  });
  const data = days.map((day, i) => {
    const stats = results[i]?.data;
    return {
      day: dayFormat.format(new Date(day.from)),
      stakes: stats ? chartAmount(stats.volume.stakes) : 0,
      rate: stats ? Number(stats.settled.payout_rate_percent) : 0,
    };
  });
  return (
    <ChartCard title={t("charts.daily")}>
      <ComposedChart data={data} margin={{ top: 8, right: 8, bottom: 0, left: 8 }}>
        <CartesianGrid stroke="var(--border)" vertical={false} />
        <XAxis dataKey="day" tick={AXIS} stroke="var(--border)" />
        <YAxis yAxisId="money" tick={AXIS} stroke="var(--border)" width={64} />
        <YAxis
          yAxisId="rate"
          orientation="right"
          tick={AXIS}
          stroke="var(--border)"
          width={44}
          unit="%"
        />
        <Tooltip
          {...TOOLTIP}
          formatter={(value, name) =>
            name === "rate"
              ? [formatPercent(Number(value), i18n.language), t("charts.payoutRate")]
              : [money(value), t("charts.stakes")]
          }
        />
        <Bar
          isAnimationActive={false}
          yAxisId="money"
          dataKey="stakes"
          fill="var(--accent)"
          radius={[4, 4, 0, 0]}
        />
        <Line
          isAnimationActive={false}
          yAxisId="rate"
          dataKey="rate"
          stroke="var(--warn)"
          strokeWidth={2}
          dot={false}
        />
      </ComposedChart>
    </ChartCard>
  );
}

export function DashboardCharts({
  bets,
  wallet,
}: {
  bets: BetsAdminStats;
  wallet: WalletAdminStats;
}) {
  const { t } = useTranslation("admin");
  const money = useMoney(wallet.currency);
  const byStatus = Object.entries(bets.volume.by_status).map(([status, value]) => ({
    status: t(`status.${status}`, { defaultValue: status }),
    bets: value.bets,
  }));
  const moneyFlow = [
    { name: t("charts.deposits"), amount: chartAmount(wallet.deposits.total) },
    { name: t("charts.withdrawn"), amount: chartAmount(wallet.withdrawals.completed_total) },
    { name: t("charts.pending"), amount: chartAmount(wallet.withdrawals.pending_total) },
  ];
  const liabilities = bets.open_liabilities.by_event.slice(0, 8).map((event) => ({
    name: event.event_name,
    payout: chartAmount(event.worst_case_payout),
  }));
  return (
    <div className="admin-charts">
      <DailyVolume currency={wallet.currency} />
      <ChartCard
        title={t("charts.byStatus")}
        empty={byStatus.length === 0 ? t("charts.noBets") : undefined}
      >
        <BarChart data={byStatus} margin={{ top: 8, right: 8, bottom: 0, left: 0 }}>
          <CartesianGrid stroke="var(--border)" vertical={false} />
          <XAxis dataKey="status" tick={AXIS} stroke="var(--border)" />
          <YAxis allowDecimals={false} tick={AXIS} stroke="var(--border)" width={40} />
          <Tooltip {...TOOLTIP} formatter={(value) => [String(value), t("charts.bets")]} />
          <Bar
            isAnimationActive={false}
            dataKey="bets"
            fill="var(--accent)"
            radius={[4, 4, 0, 0]}
          />
        </BarChart>
      </ChartCard>
      <ChartCard title={t("charts.moneyFlow")}>
        <BarChart data={moneyFlow} margin={{ top: 8, right: 8, bottom: 0, left: 8 }}>
          <CartesianGrid stroke="var(--border)" vertical={false} />
          <XAxis dataKey="name" tick={AXIS} stroke="var(--border)" />
          <YAxis tick={AXIS} stroke="var(--border)" width={64} />
          <Tooltip {...TOOLTIP} formatter={(value) => [money(value), t("charts.amount")]} />
          <Bar isAnimationActive={false} dataKey="amount" fill="var(--up)" radius={[4, 4, 0, 0]} />
        </BarChart>
      </ChartCard>
      <ChartCard
        title={t("charts.liabilities")}
        empty={liabilities.length === 0 ? t("charts.noLiabilities") : undefined}
      >
        <BarChart
          data={liabilities}
          layout="vertical"
          margin={{ top: 8, right: 16, bottom: 0, left: 8 }}
        >
          <CartesianGrid stroke="var(--border)" horizontal={false} />
          <XAxis type="number" tick={AXIS} stroke="var(--border)" />
          <YAxis type="category" dataKey="name" tick={AXIS} stroke="var(--border)" width={120} />
          <Tooltip {...TOOLTIP} formatter={(value) => [money(value), t("charts.worstCase")]} />
          <Bar
            isAnimationActive={false}
            dataKey="payout"
            fill="var(--down)"
            radius={[0, 4, 4, 0]}
          />
        </BarChart>
      </ChartCard>
    </div>
  );
}
