import { useTranslation } from "react-i18next";

/** A market name in the user's language ("Total 2.5"), from its type and line. */
export function useMarketName() {
  const { t } = useTranslation("admin");
  return (market: { market_type: string; market: string; line: number | null }) =>
    t(`market.${market.market_type}`, { defaultValue: market.market, line: market.line ?? "" });
}
