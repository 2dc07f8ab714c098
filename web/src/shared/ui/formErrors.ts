/**
 * An API error next to the form fields it concerns: a 422's per-field problems and the domain
 * errors that are about one field (`auth.email_taken` → the email field), in the user's language.
 */
import i18next, { type TFunction } from "i18next";
import type { FieldValues, Path, UseFormSetError } from "react-hook-form";
import { isApiError } from "@/shared/api/errors";
import { errorText } from "./errorText";

/**
 * The request field a domain error is about, by code. Candidates in order: the first one the
 * form has wins (a password rule is about `password` at sign-up, `new_password` on a change).
 * Field names are the API's (the request body's), as a 422's `loc` names them.
 */
export const CODE_FIELDS: Readonly<Record<string, readonly string[]>> = {
  "auth.email_invalid": ["email"],
  "auth.email_taken": ["email"],
  "auth.password_too_short": ["new_password", "password"],
  "auth.password_too_long": ["new_password", "password"],
  "auth.password_too_common": ["new_password", "password"],
  "auth.password_incorrect": ["current_password", "password"],
  "auth.totp_invalid": ["totp_code", "code"],
  "auth.totp_code_incorrect": ["code", "totp_code"],
  "auth.code_invalid": ["code"],
  "auth.avatar_invalid": ["avatar"],
  "auth.avatar_too_large": ["avatar"],
  "auth.telegram_id_taken": ["telegram_id"],
  "bet.stake_below_minimum": ["bet_amount", "stake"],
  "bet.stake_above_maximum": ["bet_amount", "stake"],
  "bet.payout_above_maximum": ["bet_amount", "stake"],
  "wallet.insufficient_funds": ["amount", "bet_amount", "stake"],
  "wallet.deposit_below_minimum": ["amount"],
  "wallet.deposit_above_maximum": ["amount"],
  "wallet.withdrawal_below_minimum": ["amount"],
  "wallet.withdrawal_above_maximum": ["amount"],
  "wallet.daily_limit_exceeded": ["amount"],
  "wallet.withdrawal_method_unverified": ["withdrawal_method_id"],
  "wallet.withdrawal_method_not_found": ["withdrawal_method_id"],
  "wallet.no_default_withdrawal_method": ["withdrawal_method_id"],
  "wallet.payment_method_not_found": ["payment_method_id"],
  "events.sport_unknown": ["sport"],
  "events.league_unknown": ["league"],
  "events.external_event_id_taken": ["external_event_id"],
  "events.start_in_past": ["event_datetime"],
  "events.teams_invalid": ["away_team", "home_team"],
  "events.score_invalid": ["home_score", "away_score"],
  "events.market_type_unknown": ["market_type"],
  "events.market_line_invalid": ["line"],
  "events.coefficient_invalid": ["coefficient"],
};

/**
 * The form's fields an API field can land on: a list when the form uses the API's names, else
 * a map from the API's name to the form's (`{ bet_amount: "stake" }`).
 */
export type FieldNames<T extends FieldValues> =
  readonly Path<T>[] | Readonly<Partial<Record<string, Path<T>>>>;

export interface FieldErrorOptions {
  /** The translator (a component's `useTranslation().t`); the app's i18next by default. */
  t?: TFunction;
  /** The feature's own code → API field(s), looked at before `CODE_FIELDS`. */
  codeFields?: Readonly<Record<string, readonly string[]>>;
}

function isList<T extends FieldValues>(fields: FieldNames<T>): fields is readonly Path<T>[] {
  return Array.isArray(fields);
}

/** A 422 problem's `type` (pydantic's: `missing`, `string_too_short`, …) in words. */
export function validationText(t: TFunction, type: string): string {
  const options = { ns: "errors", keySeparator: false, defaultValue: "" } as const;
  return t(`validation.${type}`, options) || t("validation.invalid", options);
}

/**
 * Puts the error's field problems onto the form with `setError` (the first one focused) and
 * says whether anything was placed; when nothing was, the caller shows `ErrorMessage`.
 */
export function applyFieldErrors<T extends FieldValues>(
  error: unknown,
  setError: UseFormSetError<T>,
  fields: FieldNames<T>,
  options: FieldErrorOptions = {},
): boolean {
  if (!isApiError(error)) return false;
  const t = options.t ?? i18next.t;
  const formField = (apiField: string): Path<T> | undefined =>
    isList(fields) ? fields.find((name) => name === apiField) : fields[apiField];

  const placed: { name: Path<T>; type: string; message: string }[] = [];
  for (const [apiField, type] of Object.entries(error.fieldErrors())) {
    const name = formField(apiField);
    if (name) placed.push({ name, type, message: validationText(t, type) });
  }
  const candidates = options.codeFields?.[error.code] ?? CODE_FIELDS[error.code] ?? [];
  const name = candidates.map(formField).find((found) => found !== undefined);
  if (name && !placed.some((p) => p.name === name)) {
    placed.push({ name, type: error.code, message: errorText(t, error) });
  }
  placed.forEach(({ name, type, message }, index) =>
    setError(name, { type, message }, { shouldFocus: index === 0 }),
  );
  return placed.length > 0;
}
