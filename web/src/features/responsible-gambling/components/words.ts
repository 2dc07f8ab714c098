/** The feature's figures in the user's locale: amounts (cents) and times. */
import { useTranslation } from "react-i18next";
import { formatDateTime, formatMoney, type Cents } from "@/shared/format/money";

export function useRgFormat() {
  const { i18n } = useTranslation("responsible-gambling");
  return {
    money: (cents: Cents) => formatMoney(cents, i18n.language),
    time: (value: string | Date) => formatDateTime(value, i18n.language),
  };
}
