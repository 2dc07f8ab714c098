import { zodResolver } from "@hookform/resolvers/zod";
import { useId } from "react";
import { useForm } from "react-hook-form";
import { useTranslation } from "react-i18next";
import { Button, ErrorMessage, TextField } from "@/shared/ui";
import { eventCalls, useEventMutation } from "../api/events";
import { localToIso, rescheduleSchema } from "../model/forms";
import { useApiFieldErrors, useFormText } from "./useFormText";

/** A postponed event back on the calendar at a new start time. */
export function RescheduleForm({ eventId }: { eventId: string }) {
  const { t } = useTranslation("admin");
  const text = useFormText();
  const id = useId();
  const reschedule = useEventMutation(eventId, eventCalls.reschedule);
  const form = useForm<{ event_datetime: string }>({
    resolver: zodResolver(rescheduleSchema),
    defaultValues: { event_datetime: "" },
  });
  const fieldErrors = useApiFieldErrors(form.setError, ["event_datetime"]);
  const submit = form.handleSubmit((values) =>
    reschedule.mutate(localToIso(values.event_datetime), {
      onError: fieldErrors.place,
    }),
  );
  return (
    <form
      className="admin-action-form"
      noValidate
      onSubmit={submit}
      aria-labelledby={`${id}-title`}
    >
      <h3 id={`${id}-title`}>{t("actions.reschedule")}</h3>
      <TextField
        label={t("fields.newStart")}
        type="datetime-local"
        error={text(form.formState.errors.event_datetime?.message)}
        {...form.register("event_datetime")}
      />
      <Button type="submit" variant="secondary" busy={reschedule.isPending}>
        {t("actions.reschedule")}
      </Button>
      {fieldErrors.placed ? null : <ErrorMessage error={reschedule.error} />}
    </form>
  );
}
