/** Cumulative net profit after each settled bet (Recharts: only this lazy page loads it). */
import { useTranslation } from "react-i18next";
import {
  Area,
  AreaChart,
  CartesianGrid,
  ReferenceLine,
  ResponsiveContainer,
  Tooltip,
  XAxis,
  YAxis,
} from "recharts";
import { formatDate, formatMoney } from "@/shared/format/money";
import { Card } from "@/shared/ui";
import type { ProfitPoint } from "../model/stats";
import { chartTooltipStyle } from "./chartStyle";

export function ProfitChart({ points, currency }: { points: ProfitPoint[]; currency?: string }) {
  const { t, i18n } = useTranslation("bets");
  const locale = i18n.language;
  const money = (cents: number) => formatMoney(cents, locale, currency);
  const shortDate = new Intl.DateTimeFormat(locale, { day: "numeric", month: "short" });
  // Cents / 100 only to place the line; every label is formatted from the integer cents.
  const data = points.map((point) => ({
    date: shortDate.format(new Date(point.at)),
    value: point.cumulative / 100,
    cents: point.cumulative,
  }));
  const first = points[0];
  // The curve starts from zero, before the first settled bet.
  if (first) data.unshift({ date: shortDate.format(new Date(first.at)), value: 0, cents: 0 });
  const last = points.at(-1);
  const summary =
    first && last
      ? t("stats.profitSummary", {
          from: formatDate(first.at, locale),
          to: formatDate(last.at, locale),
          total: money(last.cumulative),
        })
      : "";
  return (
    <Card title={t("stats.profitTitle")}>
      <figure className="bets-chart">
        <figcaption className="muted">
          {t("stats.profitDescription")} {summary}
        </figcaption>
        <div
          className="bets-chart-box"
          role="img"
          aria-label={`${t("stats.profitTitle")}. ${summary}`}
        >
          <ResponsiveContainer width="100%" height="100%">
            <AreaChart data={data} margin={{ top: 8, right: 12, bottom: 0, left: 0 }}>
              <CartesianGrid stroke="var(--border)" strokeDasharray="3 3" vertical={false} />
              <XAxis
                dataKey="date"
                tick={{ fill: "var(--muted)", fontSize: 12 }}
                stroke="var(--border)"
                interval="preserveStartEnd"
                minTickGap={24}
              />
              <YAxis
                tick={{ fill: "var(--muted)", fontSize: 12 }}
                stroke="var(--border)"
                width={72}
                tickFormatter={(value: number) => money(Math.round(value * 100))}
              />
              <ReferenceLine y={0} stroke="var(--muted)" />
              <Tooltip
                {...chartTooltipStyle}
                formatter={(value) => [
                  money(Math.round(Number(value) * 100)),
                  t("stats.profitSeries"),
                ]}
              />
              <Area
                type="linear"
                dataKey="value"
                name={t("stats.profitSeries")}
                stroke="var(--accent)"
                strokeWidth={2}
                fill="var(--accent-soft)"
                dot={data.length <= 40 ? { r: 3, fill: "var(--accent)" } : false}
                isAnimationActive={false}
              />
            </AreaChart>
          </ResponsiveContainer>
        </div>
      </figure>
    </Card>
  );
}
