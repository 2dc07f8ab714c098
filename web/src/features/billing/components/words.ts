/** Billing's shared words: a price per period, a feature flag, a time; all in the user's locale. */
import { useTranslation } from "react-i18next";
import { centsOf, formatDateTime, formatMoney } from "@/shared/format/money";
import { periodParts } from "../model/period";

/** "exports_plus" → its translation, else "Exports plus" (a flag the app has no words for yet). */
export function useFeatureText() {
  const { t } = useTranslation("billing");
  return (flag: string) => {
    const plain = flag.replace(/_/g, " ");
    return t(`features.${flag}`, {
      defaultValue: plain.charAt(0).toUpperCase() + plain.slice(1),
    });
  };
}

export function useBillingFormat() {
  const { t, i18n } = useTranslation("billing");
  const money = (amount: string, currency: string) =>
    formatMoney(centsOf(amount), i18n.language, currency);
  // Exactly one of a unit ("per hour") reads differently from several ("per 2 hours").
  const period = (seconds: number) => {
    const { unit, count } = periodParts(seconds);
    return count === 1 ? t(`period.one.${unit}`) : t(`period.many.${unit}`, { count });
  };
  return {
    money,
    period,
    /** "$4.99 per hour" */
    pricePer: (amount: string, currency: string, seconds: number) =>
      t("period.price", { price: money(amount, currency), period: period(seconds) }),
    time: (iso: string) => formatDateTime(iso, i18n.language),
  };
}
