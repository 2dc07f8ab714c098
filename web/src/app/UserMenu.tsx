import { useTranslation } from "react-i18next";
import { Link } from "react-router";
import { SignOutButton } from "@/features/auth";
import { useSession } from "@/shared/session/session";

export function UserMenu() {
  const { t } = useTranslation();
  const { user } = useSession();
  if (!user) {
    return (
      <>
        <Link className="btn btn-ghost" to="/sign-in">
          {t("nav.signIn")}
        </Link>
        <Link className="btn btn-primary" to="/sign-up">
          {t("nav.signUp")}
        </Link>
      </>
    );
  }
  return (
    <>
      <Link className="btn btn-ghost" to="/profile">
        {t("nav.profile")}
      </Link>
      <SignOutButton />
    </>
  );
}
