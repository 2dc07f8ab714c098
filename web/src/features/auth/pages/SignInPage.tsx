import { useTranslation } from "react-i18next";
import { Link, useNavigate, useSearchParams } from "react-router";
import { session, type TokenAnswer } from "@/shared/session/session";
import { AuthCard } from "../components/AuthCard";
import { SignInForm } from "../components/SignInForm";
import { safeNext } from "../model/auth";

export function Component() {
  const { t } = useTranslation("auth");
  const [params] = useSearchParams();
  const navigate = useNavigate();
  const next = safeNext(params.get("next"));
  const notice = params.get("verified") ? "verified" : params.get("reset") ? "reset" : null;
  const signedIn = (answer: TokenAnswer, remember: boolean) => {
    session.signedIn(answer, remember);
    void navigate(next, { replace: true });
  };
  return (
    <AuthCard
      title={t("signIn.title")}
      footer={
        <>
          {t("signIn.noAccount")}{" "}
          <Link to={`/sign-up${next !== "/" ? `?next=${encodeURIComponent(next)}` : ""}`}>
            {t("signIn.toSignUp")}
          </Link>
        </>
      }
    >
      {notice ? (
        <p className="alert alert-success" role="status">
          {t(`signIn.notice.${notice}`)}
        </p>
      ) : null}
      <SignInForm initialEmail={params.get("email") ?? ""} next={next} onSignedIn={signedIn} />
    </AuthCard>
  );
}
