/** Won / lost / void per sport as stacked bars, with the same figures in a table beneath. */
import { useTranslation } from "react-i18next";
import {
  Bar,
  BarChart,
  CartesianGrid,
  Legend,
  ResponsiveContainer,
  Tooltip,
  XAxis,
  YAxis,
} from "recharts";
import { Card, Money } from "@/shared/ui";
import type { SportResults } from "../model/stats";
import { chartTooltipStyle } from "./chartStyle";

export function SportChart({
  rows,
  sportName,
  currency,
}: {
  rows: SportResults[];
  sportName: (sport: string) => string;
  currency?: string;
}) {
  const { t } = useTranslation("bets");
  const data = rows.map((row) => ({ ...row, name: sportName(row.sport) }));
  return (
    <Card title={t("stats.sportTitle")}>
      <figure className="bets-chart">
        <figcaption className="muted">{t("stats.sportDescription")}</figcaption>
        {/* The table below carries the same figures, for screen readers too. */}
        <div className="bets-chart-box" role="img" aria-label={t("stats.sportChartLabel")}>
          <ResponsiveContainer width="100%" height="100%">
            <BarChart
              data={data}
              maxBarSize={56}
              margin={{ top: 8, right: 12, bottom: 0, left: 0 }}
            >
              <CartesianGrid stroke="var(--border)" strokeDasharray="3 3" vertical={false} />
              <XAxis
                dataKey="name"
                tick={{ fill: "var(--muted)", fontSize: 12 }}
                stroke="var(--border)"
              />
              <YAxis
                allowDecimals={false}
                tick={{ fill: "var(--muted)", fontSize: 12 }}
                stroke="var(--border)"
                width={36}
              />
              <Tooltip {...chartTooltipStyle} />
              <Legend wrapperStyle={{ color: "var(--text)" }} itemSorter={null} />
              <Bar
                dataKey="won"
                name={t("stats.won")}
                stackId="r"
                fill="var(--up)"
                isAnimationActive={false}
              />
              <Bar
                dataKey="lost"
                name={t("stats.lost")}
                stackId="r"
                fill="var(--down)"
                isAnimationActive={false}
              />
              <Bar
                dataKey="void"
                name={t("stats.void")}
                stackId="r"
                fill="var(--muted)"
                isAnimationActive={false}
              />
            </BarChart>
          </ResponsiveContainer>
        </div>
      </figure>
      <table className="data bets-table bets-sport-table">
        <thead>
          <tr>
            <th scope="col">{t("stats.sport")}</th>
            <th scope="col" className="amount">
              {t("stats.won")}
            </th>
            <th scope="col" className="amount">
              {t("stats.lost")}
            </th>
            <th scope="col" className="amount">
              {t("stats.void")}
            </th>
            <th scope="col" className="amount">
              {t("stats.profit")}
            </th>
          </tr>
        </thead>
        <tbody>
          {data.map((row) => (
            <tr key={row.sport}>
              <th scope="row">{row.name}</th>
              <td className="amount num" data-label={t("stats.won")}>
                {row.won}
              </td>
              <td className="amount num" data-label={t("stats.lost")}>
                {row.lost}
              </td>
              <td className="amount num" data-label={t("stats.void")}>
                {row.void}
              </td>
              <td className="amount" data-label={t("stats.profit")}>
                <Money cents={row.profit} currency={currency} signed />
              </td>
            </tr>
          ))}
        </tbody>
      </table>
    </Card>
  );
}
