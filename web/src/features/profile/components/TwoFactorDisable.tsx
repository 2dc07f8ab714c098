import { zodResolver } from "@hookform/resolvers/zod";
import { useState } from "react";
import { useForm } from "react-hook-form";
import { useTranslation } from "react-i18next";
import { z } from "zod";
import { fieldText } from "@/features/auth";
import { twoFactorCodeSchema } from "@/shared/forms/credentials";
import { applyFieldErrors, Button, ErrorMessage, TextField } from "@/shared/ui";
import { disableTwoFactor } from "../api/profile";

const schema = z.object({ password: z.string().min(1, "required"), code: twoFactorCodeSchema });
type Values = z.infer<typeof schema>;

export function TwoFactorDisable({ onDisabled }: { onDisabled: () => void }) {
  const { t } = useTranslation("profile");
  const [failure, setFailure] = useState<unknown>(null);
  const form = useForm<Values>({
    resolver: zodResolver(schema),
    defaultValues: { password: "", code: "" },
  });
  const { errors, isSubmitting } = form.formState;
  const onSubmit = form.handleSubmit(async ({ password, code }) => {
    setFailure(null);
    try {
      await disableTwoFactor(code, password);
      onDisabled();
    } catch (error) {
      if (!applyFieldErrors(error, form.setError, ["password", "code"], { t })) setFailure(error);
    }
  });
  return (
    <form onSubmit={onSubmit} noValidate>
      <p className="muted">{t("twoFactor.disableIntro")}</p>
      <ErrorMessage error={failure} />
      <TextField
        label={t("twoFactor.password")}
        type="password"
        autoComplete="current-password"
        error={fieldText(t, errors.password)}
        {...form.register("password")}
      />
      <TextField
        label={t("twoFactor.codeOrRecovery")}
        autoComplete="one-time-code"
        error={fieldText(t, errors.code)}
        {...form.register("code")}
      />
      <Button type="submit" variant="danger" busy={isSubmitting}>
        {t("twoFactor.disable")}
      </Button>
    </form>
  );
}
