import { zodResolver } from "@hookform/resolvers/zod";
import { useId } from "react";
import { useForm } from "react-hook-form";
import { useTranslation } from "react-i18next";
import { Button, ErrorMessage, TextField } from "@/shared/ui";
import { eventCalls, useEventMutation } from "../api/events";
import type { AdminEvent } from "../api/types";
import { scoreSchema, type ScoreValues } from "../model/forms";
import { useApiFieldErrors, useFormText } from "./useFormText";

/** The live score (and minute, period) of a live event; it decides no bet. */
export function ScoreForm({ event }: { event: AdminEvent }) {
  const { t } = useTranslation("admin");
  const text = useFormText();
  const id = useId();
  const score = useEventMutation(event.event_id, eventCalls.score);
  const form = useForm<ScoreValues>({
    resolver: zodResolver(scoreSchema),
    defaultValues: {
      home_score: String(event.home_score ?? 0),
      away_score: String(event.away_score ?? 0),
      minute: event.minute === null ? "" : String(event.minute),
      period: event.period ?? "",
    },
  });
  const fieldErrors = useApiFieldErrors(form.setError, [
    "home_score",
    "away_score",
    "minute",
    "period",
  ]);
  const errors = form.formState.errors;
  const submit = form.handleSubmit((values) =>
    score.mutate(
      {
        home_score: Number(values.home_score),
        away_score: Number(values.away_score),
        minute: values.minute ? Number(values.minute) : null,
        period: values.period.trim() || null,
      },
      { onError: fieldErrors.place },
    ),
  );
  return (
    <form
      className="admin-action-form"
      noValidate
      onSubmit={submit}
      aria-labelledby={`${id}-title`}
    >
      <h3 id={`${id}-title`}>{t("actions.score")}</h3>
      <div className="admin-score-inputs admin-score-inputs-4">
        <TextField
          label={t("fields.homeScore")}
          inputMode="numeric"
          error={text(errors.home_score?.message)}
          {...form.register("home_score")}
        />
        <TextField
          label={t("fields.awayScore")}
          inputMode="numeric"
          error={text(errors.away_score?.message)}
          {...form.register("away_score")}
        />
        <TextField
          label={t("fields.minute")}
          inputMode="numeric"
          error={text(errors.minute?.message)}
          {...form.register("minute")}
        />
        <TextField
          label={t("fields.period")}
          error={text(errors.period?.message)}
          {...form.register("period")}
        />
      </div>
      <Button type="submit" variant="secondary" busy={score.isPending}>
        {t("actions.updateScore")}
      </Button>
      {fieldErrors.placed ? null : <ErrorMessage error={score.error} />}
    </form>
  );
}
