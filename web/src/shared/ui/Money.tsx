import { useTranslation } from "react-i18next";
import { centsOf, formatMoney, type Cents } from "@/shared/format/money";

/** An amount (API string or cents) in the user's locale, in tabular figures. */
export function Money({
  amount,
  cents,
  currency,
  signed = false,
}: {
  amount?: string | number | null;
  cents?: Cents;
  currency?: string;
  signed?: boolean;
}) {
  const { i18n } = useTranslation();
  const value = cents ?? centsOf(amount);
  const text = formatMoney(value, i18n.language, currency);
  return <span className="num">{signed && value > 0 ? `+${text}` : text}</span>;
}
