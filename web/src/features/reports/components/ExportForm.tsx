/** Choose a period, a format and the sections; the answer's report joins the list below. */
import { zodResolver } from "@hookform/resolvers/zod";
import { useForm } from "react-hook-form";
import { useTranslation } from "react-i18next";
import { isApiError } from "@/shared/api/errors";
import { Button, ErrorMessage, TextField } from "@/shared/ui";
import { useExport } from "../api/reports";
import { defaultExport, exportSchema, MAX_PERIOD_DAYS, type ExportRequest } from "../model/reports";

/** The 429 when too many reports are being made: said with the numbers the API gave. */
function TooManyInProgress({ details }: { details: unknown }) {
  const { t } = useTranslation("reports");
  const limit = (details as { limit?: number } | null)?.limit ?? 2;
  return (
    <div className="alert alert-error" role="alert">
      {t("errors.tooMany", { count: limit })}
    </div>
  );
}

export function ExportForm() {
  const { t } = useTranslation("reports");
  const exporting = useExport();
  const form = useForm<ExportRequest>({
    resolver: zodResolver(exportSchema),
    defaultValues: defaultExport(),
  });
  const { errors } = form.formState;
  const message = (key: string | undefined) =>
    key ? t(`errors.${key}`, { max: MAX_PERIOD_DAYS }) : undefined;
  const submit = form.handleSubmit((values) => exporting.mutate(values));
  const error = exporting.error;
  return (
    <form className="reports-form" onSubmit={(event) => void submit(event)} noValidate>
      <fieldset className="reports-format">
        <legend>{t("format")}</legend>
        {(["csv", "pdf"] as const).map((format) => (
          <label key={format} className="reports-radio">
            <input type="radio" value={format} {...form.register("format")} />
            {t(`formats.${format}`)}
          </label>
        ))}
      </fieldset>
      <div className="reports-period">
        <TextField
          type="date"
          label={t("from")}
          error={message(errors.date_from?.message)}
          {...form.register("date_from")}
        />
        <TextField
          type="date"
          label={t("to")}
          error={message(errors.date_to?.message)}
          {...form.register("date_to")}
        />
      </div>
      <fieldset
        className="reports-sections"
        aria-describedby={errors.include_bets ? "reports-sections-error" : undefined}
      >
        <legend>{t("include")}</legend>
        {(["include_bets", "include_transactions", "include_statistics"] as const).map((name) => (
          <label key={name} className="check">
            <input type="checkbox" {...form.register(name)} />
            {t(`sections.${name}`)}
          </label>
        ))}
        {errors.include_bets ? (
          <div className="field-error" id="reports-sections-error" role="alert">
            {message(errors.include_bets.message)}
          </div>
        ) : null}
      </fieldset>
      {isApiError(error) && error.code === "wallet.too_many_reports_in_progress" ? (
        <TooManyInProgress details={error.details} />
      ) : (
        <ErrorMessage error={error} />
      )}
      <Button type="submit" busy={exporting.isPending}>
        {t("submit")}
      </Button>
    </form>
  );
}
