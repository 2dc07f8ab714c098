/**
 * Odds display formats (decimal, fractional, American). Display only: the bet slip always sends
 * the decimal price it showed. Pure integer arithmetic on the decimal text (prices have at most
 * three decimals: events stores NUMERIC(8,3)), never on binary floats.
 */
import type { OddsFormat } from "@/shared/preferences/preferences";

const DECIMAL = /^\s*(\d{1,7})(?:\.(\d{1,3})0*)?\s*$/;

/** A price as integer thousandths ("1.85" → 1850n); null if it is not a price above 1. */
export function oddsThousandths(decimal: string | number): bigint | null {
  const text = typeof decimal === "number" ? String(decimal) : decimal;
  const match = DECIMAL.exec(text);
  if (!match) return null;
  const value = BigInt(match[1] ?? "0") * 1000n + BigInt((match[2] ?? "").padEnd(3, "0"));
  return value > 1000n ? value : null;
}

/** The price as the API's decimal text, two decimals (three when needed): 1.5 → "1.50". */
export function decimalText(decimal: string | number): string {
  const value = oddsThousandths(decimal);
  if (value === null) return String(decimal);
  const units = value / 1000n;
  const fraction = value % 1000n;
  const digits = String(fraction).padStart(3, "0");
  return `${units}.${fraction % 10n === 0n ? digits.slice(0, 2) : digits}`;
}

/**
 * The bookmakers' ladder: the decimal prices that are roundings of a traditional fraction
 * (1.91 is 10/11, not 91/100). Reduced fractions only; any other price is shown exactly.
 */
const LADDER: Record<string, string> = {
  "1030": "1/33",
  "1060": "1/16",
  "1070": "1/14",
  "1080": "1/12",
  "1090": "1/11",
  "1110": "1/9",
  "1140": "1/7",
  "1170": "1/6",
  "1180": "2/11",
  "1220": "2/9",
  "1290": "2/7",
  "1330": "1/3",
  "1360": "4/11",
  "1440": "4/9",
  "1470": "8/17",
  "1530": "8/15",
  "1570": "4/7",
  "1620": "8/13",
  "1630": "5/8",
  "1670": "2/3",
  "1730": "8/11",
  "1830": "5/6",
  "1880": "7/8",
  "1910": "10/11",
  "1950": "20/21",
  "2330": "4/3",
  "2380": "11/8",
  "2630": "13/8",
  "2880": "15/8",
  "3330": "7/3",
  "4330": "10/3",
};

function gcd(a: bigint, b: bigint): bigint {
  while (b !== 0n) [a, b] = [b, a % b];
  return a;
}

/** "2.50" → "3/2", "1.91" → "10/11", "2.00" → "1/1" (evens). */
export function toFractional(decimal: string | number): string | null {
  const value = oddsThousandths(decimal);
  if (value === null) return null;
  const ladder = LADDER[String(value)];
  if (ladder) return ladder;
  const numerator = value - 1000n;
  const divisor = gcd(numerator, 1000n);
  return `${numerator / divisor}/${1000n / divisor}`;
}

/** Integer division rounded half away from zero (both operands positive). */
function divideRounded(numerator: bigint, denominator: bigint): bigint {
  return (numerator * 2n + denominator) / (denominator * 2n);
}

/** "2.50" → "+150", "1.50" → "−200" (a true minus sign), rounded to a whole number. */
export function toAmerican(decimal: string | number): string | null {
  const value = oddsThousandths(decimal);
  if (value === null) return null;
  const profit = value - 1000n; // thousandths of the stake won on top of it
  if (value >= 2000n) return `+${divideRounded(profit * 100n, 1000n)}`;
  return `\u2212${divideRounded(100n * 1000n, profit)}`;
}

/** "2.50" in the chosen format ("2.50", "3/2", "+150"). */
export function formatOdds(decimal: string | number, format: OddsFormat): string {
  const shown =
    format === "fractional"
      ? toFractional(decimal)
      : format === "american"
        ? toAmerican(decimal)
        : decimalText(decimal);
  return shown ?? String(decimal);
}
