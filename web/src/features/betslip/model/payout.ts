/**
 * The potential win exactly as the bets service computes it (services/bets/src/bets/domain/
 * odds.py), in integer arithmetic: a coupon's odds are the product of its legs rounded half-up
 * to two decimals, a single keeps its own price; the payout is stake × odds rounded DOWN to the
 * cent. Python's Decimal multiplies in a 28-significant-digit context (half-even), so a long
 * coupon's running product is rounded the same way here before the final half-up.
 */
import { oddsThousandths } from "@/shared/format/odds";

interface Exact {
  digits: bigint;
  scale: number; // value = digits / 10^scale
}

const PRECISION = 28;
const TEN = 10n;

function pow10(n: number): bigint {
  return TEN ** BigInt(n);
}

/** Round to Python's default context: 28 significant digits, half-even. */
function contextRound(value: Exact): Exact {
  const length = value.digits.toString().length;
  const excess = length - PRECISION;
  if (excess <= 0) return value;
  const divisor = pow10(excess);
  let quotient = value.digits / divisor;
  const remainder = value.digits % divisor;
  const twice = remainder * 2n;
  if (twice > divisor || (twice === divisor && quotient % 2n === 1n)) quotient += 1n;
  return { digits: quotient, scale: value.scale - excess };
}

function exactOf(leg: string): Exact {
  const thousandths = oddsThousandths(leg);
  if (thousandths === null) throw new Error(`not a price: ${leg}`);
  return { digits: thousandths, scale: 3 };
}

/** The coupon's odds in hundredths (product rounded half-up to 2 decimals). */
function couponHundredths(legs: readonly string[]): bigint {
  let product: Exact = { digits: 1n, scale: 0 };
  for (const leg of legs) {
    const factor = exactOf(leg);
    product = contextRound({
      digits: product.digits * factor.digits,
      scale: product.scale + factor.scale,
    });
  }
  if (product.scale <= 2) return product.digits * pow10(2 - product.scale);
  const divisor = pow10(product.scale - 2);
  const quotient = product.digits / divisor;
  return (product.digits % divisor) * 2n >= divisor ? quotient + 1n : quotient;
}

/** The odds the bet is priced at: the single's own price, or the coupon's rounded product. */
function pricedOdds(legs: readonly string[]): Exact {
  const [first] = legs;
  if (legs.length === 1 && first !== undefined) return exactOf(first);
  return { digits: couponHundredths(legs), scale: 2 };
}

function text(value: Exact): string {
  // Two decimals, three only when the third is not zero (as the API's prices are shown).
  const scaled = value.scale === 2 ? value.digits * 10n : value.digits;
  const units = scaled / 1000n;
  const fraction = String(scaled % 1000n).padStart(3, "0");
  return `${units}.${fraction.endsWith("0") ? fraction.slice(0, 2) : fraction}`;
}

/** "1.85","2.10","1.50" → "5.83"; a single's own price ("1.855" stays "1.855"). */
export function couponOdds(legs: readonly string[]): string {
  if (legs.length === 0) return "1.00";
  return text(pricedOdds(legs));
}

/** stake (cents) × odds, rounded down to the cent; 0 without legs. */
export function potentialWinCents(stakeCents: number, legs: readonly string[]): number {
  if (legs.length === 0 || stakeCents <= 0) return 0;
  const odds = pricedOdds(legs);
  return Number((BigInt(stakeCents) * odds.digits) / pow10(odds.scale));
}
