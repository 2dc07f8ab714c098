import { useTranslation } from "react-i18next";
import { centsOf, formatMoney, type Cents } from "@/shared/format/money";
import { useBalance } from "../api/queries";

/** Cents or an API amount → text in the user's locale and the wallet's currency. */
export function useMoney(): (value: Cents | string) => string {
  const { i18n } = useTranslation();
  const { data } = useBalance();
  const currency = data?.currency ?? "USD";
  return (value) =>
    formatMoney(typeof value === "string" ? centsOf(value) : value, i18n.language, currency);
}
