import { zodResolver } from "@hookform/resolvers/zod";
import { useId, useState } from "react";
import { useForm } from "react-hook-form";
import { useTranslation } from "react-i18next";
import { Button } from "@/shared/ui";
import { reasonSchema, rejectSchema } from "../model/forms";
import { useFormText } from "./useFormText";

/**
 * An action that takes a reason (cancel, postpone, reject a withdrawal, block a user): the button
 * opens a small form; `required` reasons are checked before anything is sent.
 */
export function ReasonForm({
  label,
  question,
  required = false,
  busy = false,
  onSubmit,
}: {
  label: string;
  question: string;
  required?: boolean;
  busy?: boolean;
  onSubmit: (reason: string | null) => void;
}) {
  const { t } = useTranslation("admin");
  const text = useFormText();
  const [open, setOpen] = useState(false);
  const id = useId();
  const form = useForm<{ reason: string }>({
    resolver: zodResolver(required ? rejectSchema : reasonSchema),
    defaultValues: { reason: "" },
  });
  const error = text(form.formState.errors.reason?.message);
  if (!open) {
    return (
      <Button variant="secondary" busy={busy} onClick={() => setOpen(true)}>
        {label}
      </Button>
    );
  }
  return (
    <form
      className="admin-confirm"
      aria-labelledby={`${id}-q`}
      noValidate
      onSubmit={form.handleSubmit(({ reason }) => {
        setOpen(false);
        form.reset();
        onSubmit(reason.trim() || null);
      })}
    >
      <p id={`${id}-q`} className="admin-confirm-question">
        {question}
      </p>
      <div className={`field${error ? " field-invalid" : ""}`}>
        <label htmlFor={`${id}-reason`}>
          {required ? t("fields.reason") : t("fields.reasonOptional")}
        </label>
        <textarea
          id={`${id}-reason`}
          rows={2}
          autoFocus
          aria-invalid={error ? true : undefined}
          aria-describedby={error ? `${id}-error` : undefined}
          {...form.register("reason")}
        />
        {error ? (
          <div className="field-error" id={`${id}-error`} role="alert">
            {error}
          </div>
        ) : null}
      </div>
      <div className="admin-row">
        <Button type="submit" variant="danger">
          {label}
        </Button>
        <Button variant="ghost" onClick={() => setOpen(false)}>
          {t("actions.back")}
        </Button>
      </div>
    </form>
  );
}
