import { zodResolver } from "@hookform/resolvers/zod";
import { useState } from "react";
import { useForm } from "react-hook-form";
import { useTranslation } from "react-i18next";
import { z } from "zod";
import type { TokenAnswer } from "@/shared/session/session";
import { applyFieldErrors, Button, ErrorMessage, TextField } from "@/shared/ui";
import { twoFactorCodeSchema } from "../model/auth";
import { fieldText } from "../model/formErrors";

const schema = z.object({ code: twoFactorCodeSchema });
type Values = z.infer<typeof schema>;

/** The second factor: a code from the authenticator app, or one of the recovery codes. */
export function TwoFactorStep({
  submit,
  onSignedIn,
  onCancel,
}: {
  submit: (code: string) => Promise<TokenAnswer>;
  onSignedIn: (answer: TokenAnswer) => void;
  onCancel?: () => void;
}) {
  const { t } = useTranslation("auth");
  const [failure, setFailure] = useState<unknown>(null);
  const form = useForm<Values>({ resolver: zodResolver(schema), defaultValues: { code: "" } });
  const { errors, isSubmitting } = form.formState;
  const onSubmit = form.handleSubmit(async ({ code }) => {
    setFailure(null);
    try {
      onSignedIn(await submit(code));
    } catch (error) {
      if (!applyFieldErrors(error, form.setError, { code: "code", totp_code: "code" }, { t }))
        setFailure(error);
    }
  });
  return (
    <form onSubmit={onSubmit} noValidate aria-labelledby="two-factor-title">
      <h2 id="two-factor-title" className="auth-subtitle">
        {t("twoFactor.title")}
      </h2>
      <p className="muted">{t("twoFactor.intro")}</p>
      <ErrorMessage error={failure} />
      <TextField
        label={t("twoFactor.code")}
        autoComplete="one-time-code"
        autoFocus
        error={fieldText(t, errors.code)}
        {...form.register("code")}
      />
      <div className="auth-actions">
        <Button type="submit" busy={isSubmitting}>
          {t("twoFactor.submit")}
        </Button>
        {onCancel ? (
          <Button variant="ghost" onClick={onCancel}>
            {t("twoFactor.back")}
          </Button>
        ) : null}
      </div>
    </form>
  );
}
