import { zodResolver } from "@hookform/resolvers/zod";
import { useState } from "react";
import { useForm } from "react-hook-form";
import { useTranslation } from "react-i18next";
import { Link, useNavigate, useSearchParams } from "react-router";
import { z } from "zod";
import { applyFieldErrors, Button, ErrorMessage, TextField } from "@/shared/ui";
import { resetPassword } from "../api/auth";
import { AuthCard } from "../components/AuthCard";
import {
  emailCodeSchema,
  emailSchema,
  PASSWORD_MAX,
  PASSWORD_MIN,
  passwordSchema,
} from "../model/auth";
import { fieldText } from "../model/formErrors";

const schema = z.object({ email: emailSchema, code: emailCodeSchema, password: passwordSchema });
type Values = z.input<typeof schema>;
type Parsed = z.output<typeof schema>;

export function Component() {
  const { t } = useTranslation("auth");
  const navigate = useNavigate();
  const [params] = useSearchParams();
  const [failure, setFailure] = useState<unknown>(null);
  const form = useForm<Values, unknown, Parsed>({
    resolver: zodResolver(schema),
    defaultValues: { email: params.get("email") ?? "", code: "", password: "" },
  });
  const { errors, isSubmitting } = form.formState;
  const onSubmit = form.handleSubmit(async ({ email, code, password }) => {
    setFailure(null);
    try {
      await resetPassword({ email, code, new_password: password });
      void navigate(`/sign-in?reset=1&email=${encodeURIComponent(email)}`, { replace: true });
    } catch (error) {
      const fields = { email: "email", code: "code", new_password: "password" } as const;
      const placed = applyFieldErrors(error, form.setError, fields, { t });
      if (!placed) setFailure(error);
    }
  });
  return (
    <AuthCard
      title={t("reset.title")}
      intro={t("reset.intro")}
      footer={<Link to="/forgot-password">{t("reset.again")}</Link>}
    >
      {params.get("sent") ? (
        <p className="alert alert-info" role="status">
          {t("reset.sent")}
        </p>
      ) : null}
      <form onSubmit={onSubmit} noValidate>
        <ErrorMessage error={failure} />
        <TextField
          label={t("fields.email")}
          type="email"
          autoComplete="email"
          error={fieldText(t, errors.email)}
          {...form.register("email")}
        />
        <TextField
          label={t("fields.code")}
          inputMode="numeric"
          autoComplete="one-time-code"
          maxLength={12}
          className="auth-code"
          error={fieldText(t, errors.code)}
          {...form.register("code")}
        />
        <TextField
          label={t("fields.newPassword")}
          type="password"
          autoComplete="new-password"
          hint={t("passwordRules", { min: PASSWORD_MIN, max: PASSWORD_MAX })}
          error={fieldText(t, errors.password)}
          {...form.register("password")}
        />
        <Button type="submit" busy={isSubmitting} className="auth-submit">
          {t("reset.submit")}
        </Button>
      </form>
    </AuthCard>
  );
}
