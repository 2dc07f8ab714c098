import { zodResolver } from "@hookform/resolvers/zod";
import { useState } from "react";
import { useForm } from "react-hook-form";
import { useTranslation } from "react-i18next";
import { useNavigate, useSearchParams } from "react-router";
import { z } from "zod";
import { session, useSession, type SessionUser } from "@/shared/session/session";
import { applyFieldErrors, Button, ErrorMessage, TextField } from "@/shared/ui";
import { resendVerification, verifyEmail } from "../api/auth";
import { AuthCard } from "../components/AuthCard";
import { emailCodeSchema, emailSchema } from "../model/auth";
import { fieldText } from "../model/formErrors";

const schema = z.object({ email: emailSchema, code: emailCodeSchema });
type Values = z.input<typeof schema>;
type Parsed = z.output<typeof schema>;

export function Component() {
  const { t } = useTranslation("auth");
  const navigate = useNavigate();
  const [params] = useSearchParams();
  const { user } = useSession();
  const [failure, setFailure] = useState<unknown>(null);
  const [resent, setResent] = useState(false);
  const [resending, setResending] = useState(false);
  const form = useForm<Values, unknown, Parsed>({
    resolver: zodResolver(schema),
    defaultValues: { email: params.get("email") ?? user?.email ?? "", code: "" },
  });
  const { errors, isSubmitting } = form.formState;

  const onSubmit = form.handleSubmit(async ({ email, code }) => {
    setFailure(null);
    try {
      const answer = await verifyEmail(email, code);
      if (user) {
        session.userChanged({ ...user, ...(answer.user as SessionUser) });
        void navigate("/", { replace: true });
      } else {
        void navigate(`/sign-in?verified=1&email=${encodeURIComponent(email)}`, { replace: true });
      }
    } catch (error) {
      if (!applyFieldErrors(error, form.setError, ["email", "code"], { t })) setFailure(error);
    }
  });

  const resend = async () => {
    const valid = await form.trigger("email");
    if (!valid) return;
    setFailure(null);
    setResending(true);
    try {
      await resendVerification(form.getValues("email").trim());
      setResent(true);
    } catch (error) {
      setFailure(error);
    } finally {
      setResending(false);
    }
  };

  return (
    <AuthCard title={t("verify.title")} intro={t("verify.intro")}>
      {params.get("sent") || resent ? (
        <p className="alert alert-info" role="status">
          {t("verify.sent")}
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
        <div className="auth-actions">
          <Button type="submit" busy={isSubmitting}>
            {t("verify.submit")}
          </Button>
          <Button variant="secondary" busy={resending} onClick={() => void resend()}>
            {t("verify.resend")}
          </Button>
        </div>
      </form>
    </AuthCard>
  );
}
