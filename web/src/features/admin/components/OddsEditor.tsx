import { zodResolver } from "@hookform/resolvers/zod";
import { useForm } from "react-hook-form";
import { useTranslation } from "react-i18next";
import { z } from "zod";
import { decimalText } from "@/shared/format/odds";
import { Button } from "@/shared/ui";
import { oddsField, oddsValue } from "../model/forms";
import { useFormText } from "./useFormText";

const schema = z.object({ coefficient: oddsField });

/** A new price for one selection (a new version in the odds history). */
export function OddsEditor({
  label,
  current,
  busy,
  onSave,
}: {
  label: string;
  current: number | string;
  busy: boolean;
  onSave: (coefficient: string) => void;
}) {
  const { t } = useTranslation("admin");
  const text = useFormText();
  const form = useForm<{ coefficient: string }>({
    resolver: zodResolver(schema),
    // "3.40", as the price is shown everywhere else (the API's number would print as "3.4").
    defaultValues: { coefficient: decimalText(current) },
  });
  const error = text(form.formState.errors.coefficient?.message);
  const inputId = `odds-${label.replace(/\W+/g, "-")}`;
  return (
    <form
      className="admin-odds-editor"
      noValidate
      onSubmit={form.handleSubmit(({ coefficient }) => onSave(oddsValue(coefficient)))}
    >
      <label htmlFor={inputId} className="visually-hidden">
        {t("markets.newPrice", { selection: label })}
      </label>
      <input
        id={inputId}
        className="num"
        inputMode="decimal"
        size={6}
        aria-invalid={error ? true : undefined}
        aria-describedby={error ? `${inputId}-error` : undefined}
        {...form.register("coefficient")}
      />
      <Button type="submit" variant="secondary" busy={busy}>
        {t("actions.savePrice")}
      </Button>
      {error ? (
        <span className="field-error" id={`${inputId}-error`} role="alert">
          {error}
        </span>
      ) : null}
    </form>
  );
}
