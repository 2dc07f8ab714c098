/** /bets/:betId — one bet with its legs (linked from each history row). */
import { useTranslation } from "react-i18next";
import { Link, useParams } from "react-router";
import { isApiError } from "@/shared/api/errors";
import { RequireAuth } from "@/shared/session/guards";
import { Card, EmptyState, ErrorMessage, PageTitle, Skeleton } from "@/shared/ui";
import { useBet } from "../api/bets";
import { BetDetail } from "../components/BetDetail";
import "../bets.css";

function Bet({ betId }: { betId: string }) {
  const { t } = useTranslation("bets");
  const bet = useBet(betId);
  if (bet.isPending) return <Skeleton lines={6} height="1.6rem" />;
  if (bet.isError) {
    // A malformed id is a 422 and another user's bet a 404: both are "not found" to the user.
    return isApiError(bet.error) && [404, 422].includes(bet.error.status) ? (
      <Card>
        <EmptyState>{t("detail.notFound")}</EmptyState>
      </Card>
    ) : (
      <ErrorMessage error={bet.error} onRetry={() => void bet.refetch()} />
    );
  }
  return <BetDetail bet={bet.data} />;
}

export function Component() {
  const { t } = useTranslation("bets");
  const { betId = "" } = useParams();
  return (
    <RequireAuth>
      <Link to="/bets" className="bets-back">
        <span aria-hidden="true">← </span>
        {t("detail.back")}
      </Link>
      <PageTitle>{t("detail.title")}</PageTitle>
      <Bet betId={betId} />
    </RequireAuth>
  );
}
