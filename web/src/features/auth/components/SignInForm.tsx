import { zodResolver } from "@hookform/resolvers/zod";
import { useState } from "react";
import { useForm, useWatch } from "react-hook-form";
import { useTranslation } from "react-i18next";
import { Link } from "react-router";
import { isApiError } from "@/shared/api/errors";
import type { TokenAnswer } from "@/shared/session/session";
import { applyFieldErrors, Button, ErrorMessage, TextField } from "@/shared/ui";
import { signIn, verifyTwoFactor } from "../api/auth";
import { isChallenge, signInSchema, type SignInValues } from "../model/auth";
import { fieldText } from "../model/formErrors";
import { OAuthButtons } from "./OAuthButtons";
import { TwoFactorStep } from "./TwoFactorStep";

type Step =
  | { kind: "credentials" }
  /** The account has 2-FA: the same sign-in again, with the code (`auth.totp_required`). */
  | { kind: "totp"; values: SignInValues }
  /** A challenge answer: the code goes to `POST /2fa/verify`. */
  | { kind: "challenge"; challenge: string; remember: boolean };

export function SignInForm({
  initialEmail = "",
  next,
  onSignedIn,
}: {
  initialEmail?: string;
  next: string;
  onSignedIn: (answer: TokenAnswer, remember: boolean) => void;
}) {
  const { t } = useTranslation("auth");
  const [step, setStep] = useState<Step>({ kind: "credentials" });
  const [failure, setFailure] = useState<unknown>(null);
  const form = useForm<SignInValues>({
    resolver: zodResolver(signInSchema),
    defaultValues: { email: initialEmail, password: "", remember_me: false },
  });
  const { errors, isSubmitting } = form.formState;
  const rememberMe = useWatch({ control: form.control, name: "remember_me" });

  const onSubmit = form.handleSubmit(async (values) => {
    setFailure(null);
    try {
      const answer: unknown = await signIn(values);
      if (isChallenge(answer)) {
        setStep({ kind: "challenge", challenge: answer.challenge, remember: values.remember_me });
      } else {
        onSignedIn(answer as TokenAnswer, values.remember_me);
      }
    } catch (error) {
      if (isApiError(error) && error.code === "auth.totp_required") {
        setStep({ kind: "totp", values });
      } else if (!applyFieldErrors(error, form.setError, ["email", "password"], { t })) {
        setFailure(error);
      }
    }
  });

  if (step.kind === "totp") {
    return (
      <TwoFactorStep
        submit={(code) => signIn({ ...step.values, totp_code: code })}
        onSignedIn={(answer) => onSignedIn(answer, step.values.remember_me)}
        onCancel={() => setStep({ kind: "credentials" })}
      />
    );
  }
  if (step.kind === "challenge") {
    return (
      <TwoFactorStep
        submit={(code) => verifyTwoFactor(step.challenge, code)}
        onSignedIn={(answer) => onSignedIn(answer, step.remember)}
        onCancel={() => setStep({ kind: "credentials" })}
      />
    );
  }
  return (
    <>
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
          label={t("fields.password")}
          type="password"
          autoComplete="current-password"
          error={fieldText(t, errors.password)}
          {...form.register("password")}
        />
        <div className="auth-row">
          <label className="check">
            <input type="checkbox" {...form.register("remember_me")} />
            {t("signIn.rememberMe")}
          </label>
          <Link to="/forgot-password">{t("signIn.forgot")}</Link>
        </div>
        <Button type="submit" busy={isSubmitting} className="auth-submit">
          {t("signIn.submit")}
        </Button>
      </form>
      <OAuthButtons rememberMe={rememberMe} next={next} />
    </>
  );
}
