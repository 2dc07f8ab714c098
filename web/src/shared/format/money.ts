/**
 * Money in the browser: the API's decimal strings ("12.50") are parsed into integer minor units
 * (cents) and every sum is done on integers, never on JS floats. Display goes through
 * Intl.NumberFormat in the user's locale.
 */
export type Cents = number;

const AMOUNT = /^(\d{1,12})(?:\.(\d{1,2}))?$/;

/** "12.5" → 1250; null for anything that is not a non-negative amount with ≤ 2 decimals. */
export function parseAmount(text: string): Cents | null {
  const match = AMOUNT.exec(text.trim().replace(",", "."));
  if (!match) return null;
  const units = Number(match[1]);
  const fraction = Number((match[2] ?? "").padEnd(2, "0"));
  return units * 100 + fraction;
}

/** 1250 → "12.50" (the API's request form). */
export function toAmountString(cents: Cents): string {
  const sign = cents < 0 ? "-" : "";
  const abs = Math.abs(cents);
  return `${sign}${Math.floor(abs / 100)}.${String(abs % 100).padStart(2, "0")}`;
}

/** The API's amount (string or number) as cents; amounts in answers are two-decimal strings. */
export function centsOf(amount: string | number | null | undefined): Cents {
  if (amount === null || amount === undefined) return 0;
  const text = typeof amount === "number" ? amount.toFixed(2) : amount;
  const negative = text.startsWith("-");
  const parsed = parseAmount(negative ? text.slice(1) : text);
  if (parsed === null) throw new Error(`not an amount: ${text}`);
  return negative ? -parsed : parsed;
}

const formatters = new Map<string, Intl.NumberFormat>();

/** Cents shown in the locale, e.g. 123456 → "1,234.56" (en) / "1 234,56" (ru). */
export function formatMoney(cents: Cents, locale: string, currency?: string): string {
  const key = `${locale}|${currency ?? ""}`;
  let formatter = formatters.get(key);
  if (!formatter) {
    formatter = new Intl.NumberFormat(locale, {
      minimumFractionDigits: 2,
      maximumFractionDigits: 2,
      ...(currency ? { style: "currency", currency } : {}),
    });
    formatters.set(key, formatter);
  }
  // Cents / 100 is exact enough for display: at most 2 decimals, far below 2^53.
  return formatter.format(cents / 100);
}

// Built once per locale and style: a DateTimeFormat costs far more to make than to use, and a
// list of twenty event cards made forty of them on the main page's first render.
const dateFormatters = new Map<string, Intl.DateTimeFormat>();

function dateFormatter(locale: string, withTime: boolean): Intl.DateTimeFormat {
  const key = `${locale}|${withTime ? "t" : ""}`;
  let formatter = dateFormatters.get(key);
  if (!formatter) {
    formatter = new Intl.DateTimeFormat(
      locale,
      withTime ? { dateStyle: "medium", timeStyle: "short" } : { dateStyle: "medium" },
    );
    dateFormatters.set(key, formatter);
  }
  return formatter;
}

const countFormatters = new Map<string, Intl.NumberFormat>();

/** A whole number in the locale: 12345 → "12,345" (en) / "12 345" (ru). */
export function formatCount(value: number, locale: string): string {
  let formatter = countFormatters.get(locale);
  if (!formatter) {
    formatter = new Intl.NumberFormat(locale);
    countFormatters.set(locale, formatter);
  }
  return formatter.format(value);
}

export function formatDateTime(value: string | Date, locale: string): string {
  return dateFormatter(locale, true).format(typeof value === "string" ? new Date(value) : value);
}

export function formatDate(value: string | Date, locale: string): string {
  return dateFormatter(locale, false).format(typeof value === "string" ? new Date(value) : value);
}
