/**
 * The odds history of one market as a line per selection (Recharts). Only the lazy event page
 * imports this file, so Recharts stays out of the main bundle.
 */
import { useMemo } from "react";
import { useTranslation } from "react-i18next";
import {
  CartesianGrid,
  Legend,
  Line,
  LineChart,
  ResponsiveContainer,
  Tooltip,
  XAxis,
  YAxis,
} from "recharts";
import { selectionName } from "@/features/betslip";
import { decimalText, formatOdds } from "@/shared/format/odds";
import { usePreferences } from "@/shared/preferences/preferences";
import type { Market, OddsHistoryEntry } from "../model/types";

const COLOURS = ["var(--accent)", "var(--focus)", "var(--warn)", "var(--down)"];

type Point = { time: number } & Record<string, number>;

/** One point per change, carrying every selection's price at that moment (a step chart). */
function series(market: Market, history: readonly OddsHistoryEntry[]): Point[] {
  const ids = new Set(market.odds.map((o) => o.odds_id));
  const changes = history
    .filter((h) => ids.has(h.odds_id))
    .map((h) => ({
      id: h.odds_id,
      time: Date.parse(h.changed_at),
      price: Number(h.new_coefficient),
    }))
    .sort((a, b) => a.time - b.time);
  const current: Record<string, number> = {};
  const points: Point[] = [];
  for (const change of changes) {
    current[change.id] = change.price;
    points.push({ time: change.time, ...current } as Point);
  }
  const last = points[points.length - 1];
  // Extend to now with the current prices, so a single price is still a line.
  const now: Record<string, number> = {};
  for (const o of market.odds) now[o.odds_id] = Number(decimalText(o.coefficient));
  if (points.length > 0)
    points.push({ time: Math.max(Date.now(), (last?.time ?? 0) + 1), ...now } as Point);
  return points;
}

export function OddsHistoryChart({
  market,
  history,
}: {
  market: Market;
  history: readonly OddsHistoryEntry[];
}) {
  const { t, i18n } = useTranslation("events");
  const { odds_format } = usePreferences();
  const data = useMemo(() => series(market, history), [market, history]);
  const time = new Intl.DateTimeFormat(i18n.language, { hour: "2-digit", minute: "2-digit" });
  if (data.length === 0) return <p className="muted">{t("history.empty")}</p>;
  return (
    <div
      className="events-chart"
      role="img"
      aria-label={t("history.label", { market: market.market })}
    >
      <ResponsiveContainer width="100%" height={220}>
        <LineChart data={data} margin={{ top: 8, right: 12, bottom: 0, left: 0 }}>
          <CartesianGrid stroke="var(--border)" strokeDasharray="3 3" />
          <XAxis
            dataKey="time"
            type="number"
            tickCount={5}
            allowDuplicatedCategory={false}
            domain={["dataMin", "dataMax"]}
            tickFormatter={(v: number) => time.format(v)}
            stroke="var(--muted)"
            fontSize={12}
          />
          <YAxis
            domain={["auto", "auto"]}
            tickFormatter={(v: number) => formatOdds(String(v), odds_format)}
            stroke="var(--muted)"
            fontSize={12}
            width={52}
          />
          <Tooltip
            labelFormatter={(v) => time.format(Number(v))}
            formatter={(v) => formatOdds(String(v), odds_format)}
            contentStyle={{
              background: "var(--surface)",
              border: "1px solid var(--border)",
              color: "var(--text)",
            }}
          />
          <Legend />
          {market.odds.map((o, i) => (
            <Line
              key={o.odds_id}
              type="stepAfter"
              dataKey={o.odds_id}
              name={selectionName(t, o, o.bet_type)}
              stroke={COLOURS[i % COLOURS.length]}
              strokeWidth={2}
              dot={false}
              isAnimationActive={false}
              connectNulls
            />
          ))}
        </LineChart>
      </ResponsiveContainer>
    </div>
  );
}
