import { zodResolver } from "@hookform/resolvers/zod";
import { useForm } from "react-hook-form";
import { useTranslation } from "react-i18next";
import { Button, ErrorMessage, SelectField, TextField } from "@/shared/ui";
import { useCreatePlan, type AdminPlan } from "../api/billing";
import { PERIOD_UNITS, planBody, planSchema, type PlanValues } from "../model/billing";
import { useApiFieldErrors, useFormText } from "./useFormText";

// The API's field → the form's (the period is sent in seconds, typed as a count of a unit).
const FIELDS = {
  name: "name",
  description: "description",
  price: "price",
  period_seconds: "period_count",
  features: "features",
} as const;

/** A new plan: its price per period and features. Plans never change price: a new price is a
 * new plan and the old one retired (ADR 0012). */
export function CreatePlanForm({ onCreated }: { onCreated?: (plan: AdminPlan) => void }) {
  const { t } = useTranslation("admin");
  const text = useFormText();
  const create = useCreatePlan();
  const form = useForm<PlanValues>({
    resolver: zodResolver(planSchema),
    defaultValues: {
      name: "",
      description: "",
      price: "",
      period_count: "1",
      period_unit: "hour",
      features: "",
    },
  });
  const fieldErrors = useApiFieldErrors(form.setError, FIELDS);
  const errors = form.formState.errors;
  const submit = form.handleSubmit((values) => {
    fieldErrors.clear();
    create.mutate(planBody(values), {
      onSuccess: (plan) => {
        form.reset();
        onCreated?.(plan);
      },
      onError: fieldErrors.place,
    });
  });
  return (
    <form className="card admin-form" aria-labelledby="admin-new-plan" noValidate onSubmit={submit}>
      <h2 id="admin-new-plan" className="card-title">
        {t("plans.new")}
      </h2>
      <div className="grid-2">
        <TextField
          label={t("fields.name")}
          error={text(errors.name?.message)}
          {...form.register("name")}
        />
        <TextField
          label={t("plans.price")}
          inputMode="decimal"
          error={text(errors.price?.message)}
          {...form.register("price")}
        />
        <TextField
          label={t("plans.periodCount")}
          inputMode="numeric"
          error={text(errors.period_count?.message)}
          {...form.register("period_count")}
        />
        <SelectField label={t("plans.periodUnit")} {...form.register("period_unit")}>
          {PERIOD_UNITS.map((unit) => (
            <option key={unit} value={unit}>
              {t(`plans.units.${unit}`)}
            </option>
          ))}
        </SelectField>
      </div>
      <TextField
        label={t("plans.description")}
        error={text(errors.description?.message)}
        {...form.register("description")}
      />
      <TextField
        label={t("plans.features")}
        hint={t("plans.featuresHint")}
        error={text(errors.features?.message)}
        {...form.register("features")}
      />
      {fieldErrors.placed ? null : <ErrorMessage error={create.error} />}
      <Button type="submit" busy={create.isPending}>
        {t("plans.create")}
      </Button>
    </form>
  );
}
