import { useId } from "react";
import { useTranslation } from "react-i18next";
import type { FreeBetChoice } from "@/features/billing";
import { formatDateTime, formatMoney } from "@/shared/format/money";
import { betSlip } from "../model/store";

/**
 * "Use a free bet": a checkbox, then one radio per stake the user holds ("5.00 × 2 left, expires
 * …"); native controls, so Tab and the arrow keys reach every choice.
 */
export function FreeBetPicker({
  choices,
  chosen,
  needed,
}: {
  choices: FreeBetChoice[];
  chosen: FreeBetChoice | null;
  /** Units the slip would spend (one per single, one per coupon). */
  needed: number;
}) {
  const { t, i18n } = useTranslation("betslip");
  const name = useId();
  const [first] = choices;
  if (!first) return null;
  const choose = (stake: string | null) => betSlip.dispatch({ type: "freeBet", stake });
  const short = chosen && chosen.units < needed;
  return (
    <div className="betslip-freebet">
      <label className="check betslip-freebet-toggle">
        <input
          type="checkbox"
          checked={chosen !== null}
          onChange={(e) => choose(e.target.checked ? first.stake : null)}
        />
        {t("freeBet.use")}
      </label>
      {chosen ? (
        <fieldset className="betslip-freebet-stakes">
          <legend className="visually-hidden">{t("freeBet.stakes")}</legend>
          {choices.map((choice) => (
            <label key={choice.stake} className="check">
              <input
                type="radio"
                name={name}
                value={choice.stake}
                checked={choice.stake === chosen.stake}
                onChange={() => choose(choice.stake)}
              />
              {/* Tabular figures but free to wrap: a long expiry must not run out of the slip. */}
              <span className="betslip-freebet-choice">
                {t("freeBet.choice", {
                  stake: formatMoney(choice.cents, i18n.language),
                  count: choice.units,
                  time: formatDateTime(choice.expiresAt, i18n.language),
                })}
              </span>
            </label>
          ))}
          {short ? (
            <div className="field-error" role="alert">
              {t("freeBet.notEnough", {
                count: chosen.units,
                stake: formatMoney(chosen.cents, i18n.language),
              })}
            </div>
          ) : null}
        </fieldset>
      ) : null}
    </div>
  );
}
