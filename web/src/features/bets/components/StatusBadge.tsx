import { useTranslation } from "react-i18next";
import { badgeTone } from "../model/bets";
import type { BetStatus, LegResult } from "../model/types";

const MARK = { won: "✓", lost: "✗", open: "○", neutral: "↺" } as const;

/** The bet's status as a badge: a word and a mark, so colour is never the only signal. */
export function StatusBadge({ status }: { status: BetStatus }) {
  const { t } = useTranslation("bets");
  const tone = badgeTone(status);
  return (
    <span className={`badge bets-badge bets-badge-${tone}`}>
      <span aria-hidden="true">{MARK[tone]} </span>
      {t(`status.${status}`)}
    </span>
  );
}

/** Staked with a free-bet unit (issue 22): said in words, beside the status. */
export function FreeBetBadge() {
  const { t } = useTranslation("bets");
  return (
    <span className="badge bets-badge bets-badge-free">
      <span aria-hidden="true">★ </span>
      {t("freeBet.badge")}
    </span>
  );
}

export function LegResultBadge({ result }: { result: LegResult | null }) {
  const { t } = useTranslation("bets");
  const tone = result === "win" ? "won" : result === "loss" ? "lost" : result ? "neutral" : "open";
  return (
    <span className={`badge bets-badge bets-badge-${tone}`}>
      <span aria-hidden="true">{MARK[tone]} </span>
      {t(`legResult.${result ?? "none"}`)}
    </span>
  );
}
