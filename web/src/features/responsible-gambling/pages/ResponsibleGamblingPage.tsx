import { useState } from "react";
import { useTranslation } from "react-i18next";
import { RequireAuth } from "@/shared/session/guards";
import { Card, ErrorMessage, PageTitle, Skeleton } from "@/shared/ui";
import {
  useRestrictionOverview,
  useTakeRestriction,
  type RestrictionRequest,
} from "../api/restriction";
import { LimitsCard } from "../components/LimitsCard";
import { RealityCheckCard } from "../components/RealityCheckCard";
import { RestrictionBanner } from "../components/RestrictionBanner";
import { RestrictionHistory } from "../components/RestrictionHistory";
import { SelfExclusionCard } from "../components/SelfExclusionCard";
import { TimeOutCard } from "../components/TimeOutCard";
import { useNow } from "../components/useNow";
import { useRgFormat } from "../components/words";
import { inForce } from "../model/restriction";
import "../responsible-gambling.css";

/**
 * Responsible gambling (issue 23): deposit and loss limits, the reality-check interval, a
 * time-out, a self-exclusion, and while one runs a banner with its end. Every limit or break asks
 * once more in place.
 */
export function ResponsibleGamblingPage() {
  const { t } = useTranslation("responsible-gambling");
  const format = useRgFormat();
  const now = useNow();
  const overview = useRestrictionOverview();
  const take = useTakeRestriction();
  const [done, setDone] = useState<string | null>(null);
  const current = inForce(overview.data?.restriction ?? null, now);

  const run = (request: RestrictionRequest) => {
    setDone(null);
    take.mutate(request, {
      onSuccess: (answer) => {
        const until = answer.restriction ? format.time(answer.restriction.until) : "";
        setDone(t(request.kind === "time_out" ? "timeOut.done" : "selfExclusion.done", { until }));
      },
    });
  };

  return (
    <div className="rg-page">
      <PageTitle>{t("title")}</PageTitle>
      <p className="muted rg-intro">{t("intro")}</p>
      {current ? <RestrictionBanner restriction={current} /> : null}
      <div role="status">{done ? <p className="alert alert-success">{done}</p> : null}</div>
      {take.error ? <ErrorMessage error={take.error} /> : null}
      <div className="rg-grid">
        <LimitsCard kind="deposit" />
        <LimitsCard kind="loss" />
        <RealityCheckCard />
      </div>
      {overview.error ? (
        <ErrorMessage error={overview.error} onRetry={() => void overview.refetch()} />
      ) : overview.isPending ? (
        <Skeleton lines={3} height="1.4rem" />
      ) : (
        <>
          <div className="rg-grid">
            <TimeOutCard
              current={current}
              busy={take.isPending}
              onTake={(days) => run({ kind: "time_out", days })}
            />
            <SelfExclusionCard
              current={current}
              busy={take.isPending}
              onTake={(months) => run({ kind: "self_exclusion", months })}
            />
          </div>
          <Card title={t("history.title")} className="rg-card">
            <RestrictionHistory history={overview.data.history} />
          </Card>
        </>
      )}
    </div>
  );
}

export function Component() {
  return (
    <RequireAuth>
      <ResponsibleGamblingPage />
    </RequireAuth>
  );
}
