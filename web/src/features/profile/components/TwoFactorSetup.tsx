import { zodResolver } from "@hookform/resolvers/zod";
import { QRCodeSVG } from "qrcode.react";
import { useState } from "react";
import { useForm } from "react-hook-form";
import { useTranslation } from "react-i18next";
import { z } from "zod";
import { fieldText } from "@/features/auth";
import { twoFactorCodeSchema } from "@/shared/forms/credentials";
import { applyFieldErrors, Button, ErrorMessage, TextField } from "@/shared/ui";
import { enableTwoFactor, setUpTwoFactor } from "../api/profile";

const passwordForm = z.object({ password: z.string().min(1, "required") });
const codeForm = z.object({ code: twoFactorCodeSchema });

interface Secret {
  secret: string;
  otpauth_uri: string;
  /** Kept in memory for the enable call, which asks for it again. */
  password: string;
}

export function TwoFactorSetup({ onEnabled }: { onEnabled: (codes: string[]) => void }) {
  const [secret, setSecret] = useState<Secret | null>(null);
  return secret ? (
    <EnableStep secret={secret} onEnabled={onEnabled} onCancel={() => setSecret(null)} />
  ) : (
    <PasswordStep onSecret={setSecret} />
  );
}

function PasswordStep({ onSecret }: { onSecret: (secret: Secret) => void }) {
  const { t } = useTranslation("profile");
  const [failure, setFailure] = useState<unknown>(null);
  const form = useForm<z.infer<typeof passwordForm>>({
    resolver: zodResolver(passwordForm),
    defaultValues: { password: "" },
  });
  const { errors, isSubmitting } = form.formState;
  const onSubmit = form.handleSubmit(async ({ password }) => {
    setFailure(null);
    try {
      const answer = await setUpTwoFactor(password);
      onSecret({ ...answer, password });
    } catch (error) {
      if (!applyFieldErrors(error, form.setError, ["password"], { t })) setFailure(error);
    }
  });
  return (
    <form onSubmit={onSubmit} noValidate>
      <p className="muted">{t("twoFactor.intro")}</p>
      <ErrorMessage error={failure} />
      <TextField
        label={t("twoFactor.password")}
        type="password"
        autoComplete="current-password"
        error={fieldText(t, errors.password)}
        {...form.register("password")}
      />
      <Button type="submit" busy={isSubmitting}>
        {t("twoFactor.setUp")}
      </Button>
    </form>
  );
}

function EnableStep({
  secret,
  onEnabled,
  onCancel,
}: {
  secret: Secret;
  onEnabled: (codes: string[]) => void;
  onCancel: () => void;
}) {
  const { t } = useTranslation("profile");
  const [failure, setFailure] = useState<unknown>(null);
  const form = useForm<z.infer<typeof codeForm>>({
    resolver: zodResolver(codeForm),
    defaultValues: { code: "" },
  });
  const { errors, isSubmitting } = form.formState;
  const onSubmit = form.handleSubmit(async ({ code }) => {
    setFailure(null);
    try {
      const answer = await enableTwoFactor(code, secret.password);
      onEnabled(answer.recovery_codes);
    } catch (error) {
      if (!applyFieldErrors(error, form.setError, ["code"], { t })) setFailure(error);
    }
  });
  return (
    <form onSubmit={onSubmit} noValidate>
      <p>{t("twoFactor.scan")}</p>
      <div className="profile-qr">
        <QRCodeSVG
          value={secret.otpauth_uri}
          size={176}
          marginSize={4}
          title={t("twoFactor.qrTitle")}
        />
      </div>
      <p className="muted profile-small">{t("twoFactor.manual")}</p>
      <p className="profile-secret num">
        <code>{secret.secret}</code>
      </p>
      <ErrorMessage error={failure} />
      <TextField
        label={t("twoFactor.code")}
        autoComplete="one-time-code"
        inputMode="numeric"
        error={fieldText(t, errors.code)}
        {...form.register("code")}
      />
      <div className="profile-actions">
        <Button type="submit" busy={isSubmitting}>
          {t("twoFactor.enable")}
        </Button>
        <Button variant="ghost" onClick={onCancel}>
          {t("common:actions.cancel")}
        </Button>
      </div>
    </form>
  );
}
