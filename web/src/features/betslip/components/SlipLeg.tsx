import { useTranslation } from "react-i18next";
import { formatOdds } from "@/shared/format/odds";
import { usePreferences } from "@/shared/preferences/preferences";
import { Button, Money, TextField } from "@/shared/ui";
import { marketName, selectionName } from "../model/labels";
import type { SlipSelection } from "../model/slip";
import { betSlip } from "../model/store";

/** One selection in the slip: event, market, pick and price as taken; a stake when single. */
export function SlipLeg({
  selection,
  stake,
  freeBet = false,
  stakeError,
  potentialWin,
  error,
}: {
  selection: SlipSelection;
  /** Only for singles: the stake typed for this selection. */
  stake?: string;
  /** Staked with a free bet: the stake is the unit's (read-only), the win its winnings. */
  freeBet?: boolean;
  stakeError?: string | undefined;
  potentialWin?: number | null;
  /** The server's refusal concerning this selection, in words. */
  error?: string | null;
}) {
  const { t } = useTranslation("betslip");
  const { odds_format } = usePreferences();
  const pick = selectionName(t, selection, selection.bet_type);
  return (
    <li className="betslip-leg">
      <div className="betslip-leg-head">
        <div className="betslip-leg-text">
          <div className="betslip-leg-pick">
            {pick} <span className="muted">· {marketName(t, selection)}</span>
          </div>
          <div className="betslip-leg-event muted">{selection.event_name}</div>
        </div>
        <span className="num betslip-leg-price">{formatOdds(selection.price, odds_format)}</span>
        <Button
          variant="ghost"
          className="betslip-remove"
          aria-label={t("remove", { pick, event: selection.event_name })}
          onClick={() => betSlip.dispatch({ type: "remove", odds_id: selection.odds_id })}
        >
          <span aria-hidden="true">×</span>
        </Button>
      </div>
      {error ? (
        <div className="field-error" role="alert">
          {error}
        </div>
      ) : null}
      {stake !== undefined ? (
        <div className="betslip-leg-stake">
          <TextField
            label={t("stake")}
            inputMode="decimal"
            autoComplete="off"
            value={stake}
            readOnly={freeBet}
            hint={freeBet ? t("freeBet.stakeFixed") : undefined}
            error={stakeError}
            onChange={(e) =>
              betSlip.dispatch({ type: "stake", odds_id: selection.odds_id, value: e.target.value })
            }
          />
          <div className="betslip-win">
            <span className="muted">{t(freeBet ? "freeBet.winnings" : "potentialWin")}</span>
            {potentialWin ? <Money cents={potentialWin} /> : <span className="num">—</span>}
          </div>
        </div>
      ) : null}
    </li>
  );
}
