import { useTranslation } from "react-i18next";
import { Link, useLocation } from "react-router";
import { useSession } from "@/shared/session/session";
import "../auth.css";

/** Shown to a signed-in user who has not confirmed the email yet: money needs it. */
export function VerifyEmailPrompt() {
  const { t } = useTranslation("auth");
  const { user } = useSession();
  const { pathname } = useLocation();
  if (!user || user.is_verified || pathname === "/verify-email") return null;
  return (
    <div className="auth-verify-prompt" role="status">
      <span>{t("prompt.text")}</span>
      <Link
        className="btn btn-secondary"
        to={`/verify-email?email=${encodeURIComponent(user.email)}`}
      >
        {t("prompt.action")}
      </Link>
    </div>
  );
}
