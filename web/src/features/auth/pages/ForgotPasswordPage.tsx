import { zodResolver } from "@hookform/resolvers/zod";
import { useState } from "react";
import { useForm } from "react-hook-form";
import { useTranslation } from "react-i18next";
import { Link, useNavigate } from "react-router";
import { z } from "zod";
import { applyFieldErrors, Button, ErrorMessage, TextField } from "@/shared/ui";
import { forgotPassword } from "../api/auth";
import { AuthCard } from "../components/AuthCard";
import { emailSchema } from "../model/auth";
import { fieldText } from "../model/formErrors";

const schema = z.object({ email: emailSchema });
type Values = z.infer<typeof schema>;

export function Component() {
  const { t } = useTranslation("auth");
  const navigate = useNavigate();
  const [failure, setFailure] = useState<unknown>(null);
  const form = useForm<Values>({ resolver: zodResolver(schema), defaultValues: { email: "" } });
  const { errors, isSubmitting } = form.formState;
  const onSubmit = form.handleSubmit(async ({ email }) => {
    setFailure(null);
    try {
      // 202 for any address (no account enumeration): the code page says "if it has an account".
      await forgotPassword(email);
      void navigate(`/reset-password?email=${encodeURIComponent(email)}&sent=1`);
    } catch (error) {
      if (!applyFieldErrors(error, form.setError, ["email"], { t })) setFailure(error);
    }
  });
  return (
    <AuthCard
      title={t("forgot.title")}
      intro={t("forgot.intro")}
      footer={<Link to="/sign-in">{t("forgot.back")}</Link>}
    >
      <form onSubmit={onSubmit} noValidate>
        <ErrorMessage error={failure} />
        <TextField
          label={t("fields.email")}
          type="email"
          autoComplete="email"
          error={fieldText(t, errors.email)}
          {...form.register("email")}
        />
        <Button type="submit" busy={isSubmitting} className="auth-submit">
          {t("forgot.submit")}
        </Button>
      </form>
    </AuthCard>
  );
}
