/** Market and selection names in the user's language where the sportsbook has a usual word for
 * them (ru: П1 / Х / П2), else as the API names them. */
import { useTranslation } from "react-i18next";
import type { BetLeg } from "../model/types";

export function useLegLabel(): (leg: BetLeg) => string {
  const { t } = useTranslation("bets");
  const markets = t("market", { returnObjects: true }) as Record<string, string>;
  const selections = t("selection", { returnObjects: true }) as Record<string, string>;
  return (leg) =>
    `${markets[leg.market] ?? leg.market}: ${selections[leg.selection] ?? leg.selection}`;
}
