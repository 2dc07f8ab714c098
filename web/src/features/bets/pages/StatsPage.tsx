/** /bets/stats — the figures (GET /api/bets/stats) and the charts drawn from the settled history. */
import { useTranslation } from "react-i18next";
import { RequireAuth } from "@/shared/session/guards";
import { Card, EmptyState, ErrorMessage, PageTitle, Skeleton } from "@/shared/ui";
import { useBetStats } from "../api/bets";
import { SETTLED_MAX, useSettledBets, type SettledData } from "../api/settled";
import { BetsNav } from "../components/BetsNav";
import { ProfitChart } from "../components/ProfitChart";
import { SportChart } from "../components/SportChart";
import { StatsSummary } from "../components/StatsSummary";
import { cumulativeProfit, resultsBySport, streaksOf, type Streaks } from "../model/stats";
import type { BetStats } from "../model/types";
import "../bets.css";

/** The server's streaks when it reports them (over every settled bet), else computed here. */
function streaksFrom(stats: BetStats, settled: SettledData | undefined): Streaks | null {
  if (stats.current_streak !== undefined) {
    return {
      current: stats.current_streak,
      longestWin: stats.longest_win_streak ?? 0,
      longestLoss: stats.longest_loss_streak ?? 0,
    };
  }
  return settled ? streaksOf(settled.bets) : null;
}

function Charts({ settled, currency }: { settled: SettledData; currency?: string }) {
  const { t } = useTranslation("bets");
  const points = cumulativeProfit(settled.bets);
  const sports = resultsBySport(settled.bets, (id) => settled.sports[id]?.slug);
  const names = new Map(Object.values(settled.sports).map((sport) => [sport.slug, sport.name]));
  const sportName = (slug: string) =>
    t(`stats.sports.${slug}`, { defaultValue: names.get(slug) ?? slug });
  return (
    <>
      {settled.truncated ? (
        <p className="muted">{t("stats.truncated", { count: SETTLED_MAX })}</p>
      ) : null}
      <div className="bets-charts">
        {points.length ? <ProfitChart points={points} currency={currency} /> : null}
        {sports.length ? (
          <SportChart rows={sports} sportName={sportName} currency={currency} />
        ) : null}
      </div>
    </>
  );
}

function Statistics() {
  const { t } = useTranslation("bets");
  const stats = useBetStats();
  const settled = useSettledBets();
  // Both answers first: the figures need the currency the settled bets carry.
  if (stats.isPending || settled.isPending) return <Skeleton lines={8} height="2rem" />;
  if (stats.isError)
    return <ErrorMessage error={stats.error} onRetry={() => void stats.refetch()} />;
  const currency = settled.data?.bets[0]?.currency;
  const streaks = streaksFrom(stats.data, settled.data);
  if (stats.data.total_bets === 0 && !settled.data?.bets.length) {
    return (
      <Card>
        <EmptyState>{t("stats.empty")}</EmptyState>
      </Card>
    );
  }
  return (
    <>
      {streaks ? (
        <StatsSummary stats={stats.data} streaks={streaks} currency={currency} />
      ) : (
        <Skeleton lines={4} height="2rem" />
      )}
      {settled.isError ? (
        <ErrorMessage error={settled.error} onRetry={() => void settled.refetch()} />
      ) : (
        <Charts settled={settled.data} currency={currency} />
      )}
    </>
  );
}

export function Component() {
  const { t } = useTranslation("bets");
  return (
    <RequireAuth>
      <PageTitle>{t("title")}</PageTitle>
      <BetsNav />
      <Statistics />
    </RequireAuth>
  );
}
