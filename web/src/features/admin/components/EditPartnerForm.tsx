import { zodResolver } from "@hookform/resolvers/zod";
import { useState } from "react";
import { useForm } from "react-hook-form";
import { useTranslation } from "react-i18next";
import { Button, ConfirmStep, ErrorMessage, TextField } from "@/shared/ui";
import { usePatchPartner, type Partner } from "../api/partners";
import {
  generateSecret,
  PARTNER_EVENTS,
  partnerEditSchema,
  partnerPatch,
  secretSchema,
  type PartnerEditValues,
} from "../model/partners";
import { MacroHelp } from "./MacroHelp";
import { SecretField } from "./SecretField";
import { useApiFieldErrors, useFormText } from "./useFormText";

function valuesOf(partner: Partner): PartnerEditValues {
  return {
    name: partner.name,
    active: partner.active,
    urls: Object.fromEntries(
      PARTNER_EVENTS.map((event) => [event, partner.urls[event] ?? ""]),
    ) as PartnerEditValues["urls"],
  };
}

/** A partner's name, templates and state (one PATCH; an emptied template is removed). */
export function EditPartnerForm({ partner }: { partner: Partner }) {
  const { t } = useTranslation("admin");
  const text = useFormText();
  const patch = usePatchPartner(partner.partner_id);
  const [saved, setSaved] = useState(false);
  const form = useForm<PartnerEditValues>({
    resolver: zodResolver(partnerEditSchema),
    defaultValues: valuesOf(partner),
  });
  const fieldErrors = useApiFieldErrors(form.setError, { name: "name" } as const);
  const errors = form.formState.errors;
  const submit = form.handleSubmit((values) => {
    fieldErrors.clear();
    setSaved(false);
    patch.mutate(partnerPatch(values), {
      onSuccess: (answer) => {
        // The form starts again from what the API answered (its templates as stored).
        form.reset(valuesOf(answer));
        setSaved(true);
      },
      onError: fieldErrors.place,
    });
  });
  return (
    <form
      className="card admin-form"
      aria-labelledby="admin-edit-partner"
      noValidate
      onSubmit={submit}
    >
      <h2 id="admin-edit-partner" className="card-title">
        {t("partners.edit")}
      </h2>
      <TextField
        label={t("fields.name")}
        error={text(errors.name?.message)}
        {...form.register("name")}
      />
      <fieldset className="admin-fieldset">
        <legend>{t("partners.urls")}</legend>
        <MacroHelp />
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
      <div role="status">
        {saved ? <p className="alert alert-success">{t("partners.saved")}</p> : null}
      </div>
      {fieldErrors.placed ? null : <ErrorMessage error={patch.error} />}
      <Button type="submit" busy={patch.isPending}>
        {t("actions.save", { ns: "common" })}
      </Button>
    </form>
  );
}

/** A new signing secret, on its own and asked once more: the partner must change theirs too. */
export function RotateSecretForm({ partnerId }: { partnerId: string }) {
  const { t } = useTranslation("admin");
  const text = useFormText();
  const patch = usePatchPartner(partnerId);
  const [done, setDone] = useState(false);
  const form = useForm<{ secret: string }>({
    resolver: zodResolver(secretSchema),
    defaultValues: { secret: "" },
  });
  // The question opens only for a valid secret; otherwise the field says what is wrong.
  const ready = () => {
    void form.trigger("secret");
    return secretSchema.safeParse(form.getValues()).success;
  };
  return (
    <form
      className="card admin-form"
      aria-labelledby="admin-rotate-secret"
      noValidate
      onSubmit={(event) => event.preventDefault()}
    >
      <h2 id="admin-rotate-secret" className="card-title">
        {t("partners.rotate")}
      </h2>
      <p className="admin-note">{t("partners.rotateNote")}</p>
      <SecretField
        label={t("partners.newSecret")}
        error={text(form.formState.errors.secret?.message)}
        registration={form.register("secret")}
        onGenerate={() => form.setValue("secret", generateSecret(), { shouldValidate: true })}
      />
      <div role="status">
        {done ? <p className="alert alert-success">{t("partners.rotated")}</p> : null}
      </div>
      <ErrorMessage error={patch.error} />
      <ConfirmStep
        label={t("partners.rotate")}
        question={t("partners.confirmRotate")}
        variant="secondary"
        busy={patch.isPending}
        ready={ready}
        onConfirm={() => {
          setDone(false);
          patch.mutate(
            { secret: form.getValues("secret") },
            {
              onSuccess: () => {
                form.reset();
                setDone(true);
              },
            },
          );
        }}
      />
    </form>
  );
}
