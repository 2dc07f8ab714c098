import { centsOf } from "@/shared/format/money";

export { formatCount } from "@/shared/format/money";

/** "12.34" (a percentage as the API answers it) → "12.34 %" in the locale. */
export function formatPercent(value: string | number, locale: string): string {
  const number = typeof value === "number" ? value : Number(value);
  return new Intl.NumberFormat(locale, { style: "percent", maximumFractionDigits: 2 }).format(
    (Number.isFinite(number) ? number : 0) / 100,
  );
}

/** An amount for a chart's axis (display only; sums are never made from these). */
export function chartAmount(amount: string): number {
  return centsOf(amount) / 100;
}
