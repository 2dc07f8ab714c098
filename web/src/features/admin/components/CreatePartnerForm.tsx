import { zodResolver } from "@hookform/resolvers/zod";
import { useForm } from "react-hook-form";
import { useTranslation } from "react-i18next";
import { Button, ErrorMessage, TextField } from "@/shared/ui";
import { useCreatePartner, type Partner } from "../api/partners";
import {
  emptyUrls,
  generateSecret,
  PARTNER_EVENTS,
  partnerBody,
  partnerSchema,
  type PartnerValues,
} from "../model/partners";
import { MacroHelp } from "./MacroHelp";
import { SecretField } from "./SecretField";
import { useApiFieldErrors, useFormText } from "./useFormText";

const FIELDS = { partner_id: "partner_id", name: "name", secret: "secret" } as const;

/** A new partner: its id, name, signing secret, a URL template per event, active or not. */
export function CreatePartnerForm({ onCreated }: { onCreated?: (partner: Partner) => void }) {
  const { t } = useTranslation("admin");
  const text = useFormText();
  const create = useCreatePartner();
  const form = useForm<PartnerValues>({
    resolver: zodResolver(partnerSchema),
    defaultValues: { partner_id: "", name: "", secret: "", active: true, urls: emptyUrls() },
  });
  const fieldErrors = useApiFieldErrors(form.setError, FIELDS);
  const errors = form.formState.errors;
  const submit = form.handleSubmit((values) => {
    fieldErrors.clear();
    create.mutate(partnerBody(values), {
      onSuccess: (partner) => {
        form.reset();
        onCreated?.(partner);
      },
      onError: fieldErrors.place,
    });
  });
  return (
    <form
      className="card admin-form"
      aria-labelledby="admin-new-partner"
      noValidate
      onSubmit={submit}
    >
      <h2 id="admin-new-partner" className="card-title">
        {t("partners.new")}
      </h2>
      <div className="grid-2">
        <TextField
          label={t("partners.partnerId")}
          hint={t("partners.partnerIdHint")}
          autoComplete="off"
          spellCheck={false}
          error={text(errors.partner_id?.message)}
          {...form.register("partner_id")}
        />
        <TextField
          label={t("fields.name")}
          error={text(errors.name?.message)}
          {...form.register("name")}
        />
      </div>
      <SecretField
        label={t("partners.secret")}
        error={text(errors.secret?.message)}
        registration={form.register("secret")}
        onGenerate={() =>
          form.setValue("secret", generateSecret(), { shouldValidate: true, shouldDirty: true })
        }
      />
      <fieldset className="admin-fieldset">
        <legend>{t("partners.urls")}</legend>
        <MacroHelp id="admin-new-partner-macros" />
        {PARTNER_EVENTS.map((event) => (
          <TextField
            key={event}
            label={t(`partners.events.${event}`)}
            type="url"
            inputMode="url"
            spellCheck={false}
            placeholder="https://…"
            error={text(errors.urls?.[event]?.message)}
            {...form.register(`urls.${event}`)}
          />
        ))}
      </fieldset>
      <label className="check">
        <input type="checkbox" {...form.register("active")} />
        {t("partners.active")}
      </label>
      {fieldErrors.placed ? null : <ErrorMessage error={create.error} />}
      <Button type="submit" busy={create.isPending}>
        {t("partners.create")}
      </Button>
    </form>
  );
}
