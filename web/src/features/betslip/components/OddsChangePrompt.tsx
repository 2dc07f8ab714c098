import { useTranslation } from "react-i18next";
import { formatOdds, oddsThousandths } from "@/shared/format/odds";
import { usePreferences } from "@/shared/preferences/preferences";
import { Button } from "@/shared/ui";

export interface PriceMove {
  odds_id: string;
  event_name: string;
  from: string;
  to: string;
}

/** The server said the price moved: show old → new, and let the user take the new price. */
export function OddsChangePrompt({
  move,
  onAccept,
  onDismiss,
}: {
  move: PriceMove;
  onAccept: () => void;
  onDismiss: () => void;
}) {
  const { t } = useTranslation("betslip");
  const { odds_format } = usePreferences();
  const up = (oddsThousandths(move.to) ?? 0n) > (oddsThousandths(move.from) ?? 0n);
  return (
    <div className="alert alert-info betslip-prompt" role="alert">
      <div>
        <strong>{t("priceMoved.title")}</strong>
        <div>
          {move.event_name}: <span className="num">{formatOdds(move.from, odds_format)}</span> →{" "}
          <span className={`num betslip-${up ? "up" : "down"}`}>
            {formatOdds(move.to, odds_format)} <span aria-hidden="true">{up ? "▲" : "▼"}</span>
          </span>
        </div>
      </div>
      <div className="betslip-prompt-actions">
        <Button onClick={onAccept}>{t("priceMoved.accept")}</Button>
        <Button variant="ghost" onClick={onDismiss}>
          {t("priceMoved.dismiss")}
        </Button>
      </div>
    </div>
  );
}
