import { zodResolver } from "@hookform/resolvers/zod";
import { useState } from "react";
import { useForm } from "react-hook-form";
import { useTranslation } from "react-i18next";
import { Link, useNavigate, useSearchParams } from "react-router";
import { applyFieldErrors, Button, ErrorMessage, TextField } from "@/shared/ui";
import { signUp } from "../api/auth";
import { AuthCard } from "../components/AuthCard";
import { OAuthButtons } from "../components/OAuthButtons";
import {
  PASSWORD_MAX,
  PASSWORD_MIN,
  safeNext,
  signUpSchema,
  type SignUpValues,
} from "../model/auth";
import { fieldText } from "../model/formErrors";

export function Component() {
  const { t } = useTranslation("auth");
  const navigate = useNavigate();
  const [params] = useSearchParams();
  const next = safeNext(params.get("next"));
  const [failure, setFailure] = useState<unknown>(null);
  const form = useForm<SignUpValues>({
    resolver: zodResolver(signUpSchema),
    defaultValues: { name: "", email: "", password: "" },
  });
  const { errors, isSubmitting } = form.formState;
  const onSubmit = form.handleSubmit(async (values) => {
    setFailure(null);
    try {
      await signUp(values);
      // The same answer whether or not the address had an account: "check your inbox".
      void navigate(`/verify-email?email=${encodeURIComponent(values.email)}&sent=1`);
    } catch (error) {
      if (!applyFieldErrors(error, form.setError, ["name", "email", "password"], { t })) {
        setFailure(error);
      }
    }
  });
  return (
    <AuthCard
      title={t("signUp.title")}
      intro={t("signUp.intro")}
      footer={
        <>
          {t("signUp.haveAccount")} <Link to="/sign-in">{t("signUp.toSignIn")}</Link>
        </>
      }
    >
      <form onSubmit={onSubmit} noValidate>
        <ErrorMessage error={failure} />
        <TextField
          label={t("fields.name")}
          autoComplete="name"
          error={fieldText(t, errors.name)}
          {...form.register("name")}
        />
        <TextField
          label={t("fields.email")}
          type="email"
          autoComplete="email"
          error={fieldText(t, errors.email)}
          {...form.register("email")}
        />
        <TextField
          label={t("fields.password")}
          type="password"
          autoComplete="new-password"
          hint={t("passwordRules", { min: PASSWORD_MIN, max: PASSWORD_MAX })}
          error={fieldText(t, errors.password)}
          {...form.register("password")}
        />
        <Button type="submit" busy={isSubmitting} className="auth-submit">
          {t("signUp.submit")}
        </Button>
      </form>
      <OAuthButtons rememberMe={false} next={next} />
    </AuthCard>
  );
}
