/**
 * A market's and a selection's name in the user's language ("1" is "П1" in Russian, "over" is
 * "Over 2.5"); kept here because a slip leg is what they name. Unknown types fall back to the
 * API's own label.
 */
import type { TFunction } from "i18next";

export interface MarketLabel {
  market_type: string;
  market: string;
  line?: number | null;
}

export function marketName(t: TFunction, market: MarketLabel): string {
  return t(`markets.${market.market_type}`, {
    ns: "betslip",
    line: market.line ?? "",
    defaultValue: market.market,
  });
}

export function selectionName(t: TFunction, market: MarketLabel, betType: string): string {
  return t(`selections.${market.market_type}.${betType}`, {
    ns: "betslip",
    line: market.line ?? "",
    defaultValue: betType,
  });
}
