import { zodResolver } from "@hookform/resolvers/zod";
import { useId, useState } from "react";
import { useForm } from "react-hook-form";
import { useTranslation } from "react-i18next";
import { Button, ErrorMessage, TextField } from "@/shared/ui";
import { eventCalls, useEventMutation, type SettleBody } from "../api/events";
import { resettleSchema, settleSchema, type SettleValues } from "../model/forms";
import { useApiFieldErrors, useFormText } from "./useFormText";

/**
 * Settle with the final score, or resettle a finished event with a corrected one (`force`, a
 * required reason). Settling pays every bet on the event: the form asks once more before sending.
 */
export function SettleForm({ eventId, resettle = false }: { eventId: string; resettle?: boolean }) {
  const { t } = useTranslation("admin");
  const text = useFormText();
  const id = useId();
  const settle = useEventMutation(eventId, eventCalls.settle);
  const [confirming, setConfirming] = useState<SettleBody | null>(null);
  const form = useForm<SettleValues>({
    resolver: zodResolver(resettle ? resettleSchema : settleSchema),
    defaultValues: { home_score: "", away_score: "", reason: "" },
  });
  const fieldErrors = useApiFieldErrors(form.setError, ["home_score", "away_score", "reason"]);
  const errors = form.formState.errors;
  const submit = form.handleSubmit((values) =>
    setConfirming({
      home_score: Number(values.home_score),
      away_score: Number(values.away_score),
      reason: values.reason.trim() || null,
      force: resettle,
    }),
  );
  const send = (body: SettleBody) => {
    setConfirming(null);
    settle.mutate(body, {
      onSuccess: () => form.reset(),
      onError: fieldErrors.place,
    });
  };
  return (
    <form
      className="admin-action-form"
      noValidate
      onSubmit={submit}
      aria-labelledby={`${id}-title`}
    >
      <h3 id={`${id}-title`}>{resettle ? t("actions.resettle") : t("actions.settle")}</h3>
      {resettle ? <p className="field-hint">{t("settle.resettleHint")}</p> : null}
      <div className="admin-score-inputs">
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
      </div>
      <TextField
        label={resettle ? t("fields.reason") : t("fields.reasonOptional")}
        error={text(errors.reason?.message)}
        {...form.register("reason")}
      />
      {confirming ? (
        <div className="admin-confirm" role="group" aria-labelledby={`${id}-q`}>
          <p id={`${id}-q`} className="admin-confirm-question">
            {t(resettle ? "settle.confirmResettle" : "settle.confirm", {
              home: confirming.home_score,
              away: confirming.away_score,
            })}
          </p>
          <div className="admin-row">
            <Button variant="danger" onClick={() => send(confirming)} autoFocus>
              {resettle ? t("actions.resettle") : t("actions.settle")}
            </Button>
            <Button variant="ghost" onClick={() => setConfirming(null)}>
              {t("actions.back")}
            </Button>
          </div>
        </div>
      ) : (
        <Button type="submit" variant="secondary" busy={settle.isPending}>
          {resettle ? t("actions.resettle") : t("actions.settle")}
        </Button>
      )}
      {settle.isSuccess ? (
        <p className="alert alert-success" role="status">
          {t("settle.done")}
        </p>
      ) : null}
      {fieldErrors.placed ? null : <ErrorMessage error={settle.error} />}
    </form>
  );
}
