/**
 * The admin's plan and package forms, as the wallet checks them (docs/subscriptions.md,
 * docs/packages.md): a price is a positive amount with at most two decimals (sent as the API's
 * decimal string, never a float), a plan's period 60 s to 366 days, features short snake_case
 * flags; a package's units and validity whole numbers, a stake for a free-bet package only.
 * Each message is a key of the admin namespace's `form` section.
 */
import { z } from "zod";
import { parseAmount, toAmountString } from "@/shared/format/money";

export const PERIOD_UNITS = ["minute", "hour", "day"] as const;
export type PeriodUnit = (typeof PERIOD_UNITS)[number];
const UNIT_SECONDS: Record<PeriodUnit, number> = { minute: 60, hour: 3600, day: 86_400 };
const MIN_PERIOD_S = 60;
const MAX_PERIOD_S = 366 * 86_400;
const FEATURE = /^[a-z][a-z0-9_]{0,39}$/;
const WHOLE = /^\d{1,7}$/;

/** "4.99" → "4.99", "5" → "5.00", "4,5" (typed in Russian) → "4.50"; null if not an amount. */
export function priceValue(text: string): string | null {
  const cents = parseAmount(text);
  return cents === null || cents <= 0 ? null : toAmountString(cents);
}

/** "exports_plus, live_stats" → ["exports_plus", "live_stats"] (commas or spaces, no repeats). */
export function featureList(text: string): string[] {
  return [...new Set(text.split(/[\s,]+/).filter(Boolean))];
}

export function periodToSeconds(count: string, unit: PeriodUnit): number {
  return Number(count) * UNIT_SECONDS[unit];
}

const name = z.string().trim().min(1, { error: "required" }).max(100, { error: "tooLong" });
const description = z.string().trim().max(1000, { error: "tooLong" });
const price = z
  .string()
  .trim()
  .min(1, { error: "required" })
  .refine((value) => priceValue(value) !== null, { error: "priceInvalid" });
const whole = (max: number, error: string) =>
  z
    .string()
    .trim()
    .min(1, { error: "required" })
    .refine((value) => WHOLE.test(value) && Number(value) > 0 && Number(value) <= max, {
      error,
    });

export const planSchema = z
  .object({
    name,
    description,
    price,
    period_count: whole(527_040, "periodInvalid"),
    period_unit: z.enum(PERIOD_UNITS),
    features: z
      .string()
      .refine((value) => featureList(value).every((flag) => FEATURE.test(flag)), {
        error: "featuresInvalid",
      })
      .refine((value) => featureList(value).length <= 20, { error: "featuresTooMany" }),
  })
  .refine(
    (values) => {
      const seconds = periodToSeconds(values.period_count, values.period_unit);
      return seconds >= MIN_PERIOD_S && seconds <= MAX_PERIOD_S;
    },
    { error: "periodInvalid", path: ["period_count"] },
  );
export type PlanValues = z.infer<typeof planSchema>;

/** The API's request body of a new plan. */
export function planBody(values: PlanValues) {
  return {
    name: values.name.trim(),
    description: values.description.trim(),
    price: priceValue(values.price) ?? values.price,
    period_seconds: periodToSeconds(values.period_count, values.period_unit),
    features: featureList(values.features),
  };
}

export const packageSchema = z
  .object({
    name,
    description,
    kind: z.enum(["units", "free_bet"]),
    units: whole(1_000_000, "unitsInvalid"),
    price,
    validity_days: whole(3650, "validityInvalid"),
    stake: z.string().trim(),
  })
  .refine((values) => values.kind !== "free_bet" || priceValue(values.stake) !== null, {
    error: "stakeRequired",
    path: ["stake"],
  });
export type PackageValues = z.infer<typeof packageSchema>;

/** The API's request body of a new package: a stake only for a free-bet package. */
export function packageBody(values: PackageValues) {
  return {
    name: values.name.trim(),
    description: values.description.trim(),
    kind: values.kind,
    units: Number(values.units),
    price: priceValue(values.price) ?? values.price,
    validity_days: Number(values.validity_days),
    stake: values.kind === "free_bet" ? priceValue(values.stake) : null,
  };
}
