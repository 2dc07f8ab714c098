/** A form field's error in words (the form's own checks give a key; the API's come in words). */
import type { TFunction } from "i18next";
import type { FieldError } from "react-hook-form";

export function fieldText(t: TFunction, error: FieldError | undefined): string | undefined {
  if (!error) return undefined;
  const message = error.message ?? "invalid";
  // A zod message is a key of auth's `validation`; applyFieldErrors already put words.
  return t(`validation.${message}`, { ns: "auth", defaultValue: message });
}
