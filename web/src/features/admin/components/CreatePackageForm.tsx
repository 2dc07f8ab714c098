import { zodResolver } from "@hookform/resolvers/zod";
import { useForm, useWatch } from "react-hook-form";
import { useTranslation } from "react-i18next";
import { Button, ErrorMessage, SelectField, TextField } from "@/shared/ui";
import { useCreatePackage, type AdminPackage } from "../api/billing";
import { packageBody, packageSchema, type PackageValues } from "../model/billing";
import { useApiFieldErrors, useFormText } from "./useFormText";

const FIELDS = ["name", "description", "kind", "units", "price", "validity_days", "stake"] as const;

/** A new package of units (or of free bets, each of a stake), on sale from the moment it is made. */
export function CreatePackageForm({ onCreated }: { onCreated?: (pack: AdminPackage) => void }) {
  const { t } = useTranslation("admin");
  const text = useFormText();
  const create = useCreatePackage();
  const form = useForm<PackageValues>({
    resolver: zodResolver(packageSchema),
    defaultValues: {
      name: "",
      description: "",
      kind: "units",
      units: "",
      price: "",
      validity_days: "30",
      stake: "",
    },
  });
  const fieldErrors = useApiFieldErrors(form.setError, FIELDS);
  const kind = useWatch({ control: form.control, name: "kind" });
  const errors = form.formState.errors;
  const submit = form.handleSubmit((values) => {
    fieldErrors.clear();
    create.mutate(packageBody(values), {
      onSuccess: (pack) => {
        form.reset();
        onCreated?.(pack);
      },
      onError: fieldErrors.place,
    });
  });
  return (
    <form
      className="card admin-form"
      aria-labelledby="admin-new-package"
      noValidate
      onSubmit={submit}
    >
      <h2 id="admin-new-package" className="card-title">
        {t("packages.new")}
      </h2>
      <div className="grid-2">
        <TextField
          label={t("fields.name")}
          error={text(errors.name?.message)}
          {...form.register("name")}
        />
        <SelectField label={t("packages.kind")} {...form.register("kind")}>
          <option value="units">{t("packages.kinds.units")}</option>
          <option value="free_bet">{t("packages.kinds.free_bet")}</option>
        </SelectField>
        <TextField
          label={t("packages.units")}
          inputMode="numeric"
          error={text(errors.units?.message)}
          {...form.register("units")}
        />
        <TextField
          label={t("packages.price")}
          inputMode="decimal"
          error={text(errors.price?.message)}
          {...form.register("price")}
        />
        <TextField
          label={t("packages.validity")}
          inputMode="numeric"
          error={text(errors.validity_days?.message)}
          {...form.register("validity_days")}
        />
        {kind === "free_bet" ? (
          <TextField
            label={t("packages.stake")}
            inputMode="decimal"
            error={text(errors.stake?.message)}
            {...form.register("stake")}
          />
        ) : null}
      </div>
      <TextField
        label={t("packages.description")}
        error={text(errors.description?.message)}
        {...form.register("description")}
      />
      {fieldErrors.placed ? null : <ErrorMessage error={create.error} />}
      <Button type="submit" busy={create.isPending}>
        {t("packages.create")}
      </Button>
    </form>
  );
}
