/**
 * Deposit limits (the wallet's) and loss limits (the bets service's): optional, per rolling
 * period (24 hours, 7 days, 30 days). A first limit or a decrease applies at once; an increase or
 * a removal only after a 24-hour cooling-off, kept meanwhile as the pending change (the same rule
 * both services apply: services/wallet/.../domain/responsible_gambling.py, bets' loss_limits.py).
 * Amounts are integer cents.
 */
import { centsOf, parseAmount, type Cents } from "@/shared/format/money";

export type LimitPeriod = "day" | "week" | "month";
export const PERIODS: readonly LimitPeriod[] = ["day", "week", "month"];

/** Whose limit: deposits (the wallet) or losses (bets). */
export type LimitKind = "deposit" | "loss";

export const COOLING_OFF_MS = 24 * 3600 * 1000;

/** One period as both services answer it (the wallet says `used`, bets say `loss`). */
export interface LimitAnswerRow {
  period: string;
  amount: string | null;
  pending: { amount: string | null; effective_at: string } | null;
  used?: string;
  loss?: string;
}

export interface PendingChange {
  /** null: the limit is removed then. */
  amount: Cents | null;
  effectiveAt: string;
}

export interface PeriodLimit {
  period: LimitPeriod;
  /** The limit in force; null: none. */
  current: Cents | null;
  pending: PendingChange | null;
  /** Deposited, or lost (stakes minus payouts), in the rolling window so far; never below 0. */
  used: Cents;
}

const isPeriod = (value: string): value is LimitPeriod =>
  (PERIODS as readonly string[]).includes(value);

/** The answer's rows, one per period in day-week-month order (a period not answered: none). */
export function periodLimits(rows: readonly LimitAnswerRow[]): PeriodLimit[] {
  const byPeriod = new Map(rows.filter((r) => isPeriod(r.period)).map((r) => [r.period, r]));
  return PERIODS.map((period) => {
    const row = byPeriod.get(period);
    const pending = row?.pending ?? null;
    return {
      period,
      current: row?.amount == null ? null : centsOf(row.amount),
      pending: pending
        ? {
            amount: pending.amount == null ? null : centsOf(pending.amount),
            effectiveAt: pending.effective_at,
          }
        : null,
      // A net win makes the loss negative: "lost so far" is then nothing.
      used: Math.max(0, centsOf(row?.used ?? row?.loss ?? "0.00")),
    };
  });
}

/** What a request would do to a period's limit in force. */
export type LimitChange = "first" | "lower" | "same" | "raise" | "remove" | "nothing";

export function changeOf(current: Cents | null, requested: Cents | null): LimitChange {
  if (requested === null) return current === null ? "nothing" : "remove";
  if (current === null) return "first";
  if (requested < current) return "lower";
  return requested === current ? "same" : "raise";
}

/** A first limit, a decrease (or the same amount) is in force at once; the rest waits. */
export function appliesAtOnce(change: LimitChange): boolean {
  return change === "first" || change === "lower" || change === "same";
}

/** When a change takes effect, if sent at `now` (the server's answer has the exact time). */
export function effectiveAt(change: LimitChange, now: number): Date {
  return new Date(appliesAtOnce(change) ? now : now + COOLING_OFF_MS);
}

export type AmountProblem = "required" | "format" | "zero";

/** A limit the user typed: cents, or why it is not one. */
export function readLimitAmount(text: string): { cents: Cents } | { problem: AmountProblem } {
  if (!text.trim()) return { problem: "required" };
  const cents = parseAmount(text);
  if (cents === null) return { problem: "format" };
  return cents === 0 ? { problem: "zero" } : { cents };
}
