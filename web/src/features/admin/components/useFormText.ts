import { useState } from "react";
import { useTranslation } from "react-i18next";
import type { FieldValues, UseFormSetError } from "react-hook-form";
import { applyFieldErrors, type FieldNames } from "@/shared/ui";

/** A form rule's key (model/forms.ts) in words; undefined when there is no error. */
export function useFormText() {
  const { t } = useTranslation("admin");
  return (message: string | undefined) => (message ? t(`form.${message}`) : undefined);
}

/**
 * The API's refusal of a form: next to the fields it concerns when it names one (`place`, the
 * mutation's onError), and `placed` says so, so the form shows the whole error only otherwise.
 */
export function useApiFieldErrors<T extends FieldValues>(
  setError: UseFormSetError<T>,
  fields: FieldNames<T>,
) {
  const { t } = useTranslation();
  const [placed, setPlaced] = useState(false);
  const place = (error: unknown) => setPlaced(applyFieldErrors(error, setError, fields, { t }));
  return { place, placed, clear: () => setPlaced(false) };
}
