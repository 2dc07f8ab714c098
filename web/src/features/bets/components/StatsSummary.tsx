/** The figures: win rate, ROI, net profit, average stake, biggest win / loss, streaks. */
import type { ReactNode } from "react";
import { useTranslation } from "react-i18next";
import { centsOf } from "@/shared/format/money";
import { Card, Money } from "@/shared/ui";
import type { Streaks } from "../model/stats";
import type { BetStats } from "../model/types";

function percent(value: string, locale: string): string {
  // The API's percentage ("55.40") is display-only here: no sum is made with it.
  return new Intl.NumberFormat(locale, { style: "percent", maximumFractionDigits: 2 }).format(
    Number(value) / 100,
  );
}

function Figure({ label, children, tone }: { label: string; children: ReactNode; tone?: string }) {
  return (
    <div className={`bets-figure${tone ? ` bets-figure-${tone}` : ""}`}>
      <dt>{label}</dt>
      <dd>{children}</dd>
    </div>
  );
}

export function StatsSummary({
  stats,
  streaks,
  currency,
}: {
  stats: BetStats;
  streaks: Streaks;
  currency?: string;
}) {
  const { t, i18n } = useTranslation("bets");
  const net = centsOf(stats.net_profit);
  const roi = Number(stats.roi_percent);
  const tone = (value: number) => (value > 0 ? "up" : value < 0 ? "down" : undefined);
  const streakText = (value: number) =>
    value > 0
      ? t("stats.streakWins", { count: value })
      : value < 0
        ? t("stats.streakLosses", { count: -value })
        : t("stats.streakNone");
  return (
    <Card title={t("stats.summary")}>
      <p className="muted bets-basis">
        {t("stats.basis")}
        {stats.free_bets ? ` ${t("stats.freeBetsBasis")}` : null}
      </p>
      <dl className="bets-figures">
        <Figure label={t("stats.totalBets")}>
          <span className="num">{stats.total_bets}</span>
          <small className="muted">
            {t("stats.winsLosses", { wins: stats.wins, losses: stats.losses })}
          </small>
        </Figure>
        <Figure label={t("stats.winRate")}>
          <span className="num">{percent(stats.win_rate, i18n.language)}</span>
        </Figure>
        <Figure label={t("stats.roi")} tone={tone(roi)}>
          <span className="num">{percent(stats.roi_percent, i18n.language)}</span>
        </Figure>
        <Figure label={t("stats.netProfit")} tone={tone(net)}>
          <Money cents={net} currency={currency} signed />
        </Figure>
        <Figure label={t("stats.averageStake")}>
          <Money amount={stats.average_stake} currency={currency} />
        </Figure>
        <Figure label={t("stats.biggestWin")}>
          <Money amount={stats.biggest_win} currency={currency} />
        </Figure>
        <Figure label={t("stats.biggestLoss")}>
          <Money amount={stats.biggest_loss} currency={currency} />
        </Figure>
        <Figure label={t("stats.currentStreak")} tone={tone(streaks.current)}>
          {streakText(streaks.current)}
        </Figure>
        <Figure label={t("stats.longestWin")}>
          {streaks.longestWin
            ? t("stats.streakWins", { count: streaks.longestWin })
            : t("stats.streakNone")}
        </Figure>
        <Figure label={t("stats.longestLoss")}>
          {streaks.longestLoss
            ? t("stats.streakLosses", { count: streaks.longestLoss })
            : t("stats.streakNone")}
        </Figure>
        {stats.free_bets ? (
          <Figure label={t("stats.freeBets")}>
            <span className="num">{stats.free_bets}</span>
          </Figure>
        ) : null}
        {stats.free_bet_winnings && centsOf(stats.free_bet_winnings) > 0 ? (
          <Figure label={t("stats.freeBetWinnings")} tone="up">
            <Money amount={stats.free_bet_winnings} currency={currency} />
          </Figure>
        ) : null}
      </dl>
    </Card>
  );
}
