import { useTranslation } from "react-i18next";
import { Link, NavLink } from "react-router";
import { SignOutButton } from "@/features/auth";
import { NotificationsLink } from "@/features/notifications";
import { ResponsibleGamblingLink } from "@/features/responsible-gambling";
import { useSession } from "@/shared/session/session";

/**
 * The account links. On a desktop they sit at the header's end; on a phone the header keeps
 * only "Sign in" and the rest live in the menu (`placement="nav"`, shown by CSS at ≤ 900 px).
 */
export function UserMenu({ placement }: { placement: "header" | "nav" }) {
  const { t } = useTranslation();
  const { user } = useSession();
  if (placement === "nav") {
    return (
      <div className="nav-phone-only">
        {user ? (
          <>
            <NavLink to="/profile">{t("nav.profile")}</NavLink>
            <ResponsibleGamblingLink nav />
            <NotificationsLink nav />
            <SignOutButton />
          </>
        ) : (
          <NavLink to="/sign-up">{t("nav.signUp")}</NavLink>
        )}
      </div>
    );
  }
  if (!user) {
    return (
      <>
        <Link className="btn btn-ghost" to="/sign-in">
          {t("nav.signIn")}
        </Link>
        <Link className="btn btn-primary desktop-only" to="/sign-up">
          {t("nav.signUp")}
        </Link>
      </>
    );
  }
  return (
    <span className="desktop-only user-links">
      <Link className="btn btn-ghost" to="/profile">
        {t("nav.profile")}
      </Link>
      <ResponsibleGamblingLink className="btn btn-ghost" />
      <SignOutButton />
    </span>
  );
}
