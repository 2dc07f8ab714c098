import { useTranslation } from "react-i18next";
import { Link, NavLink } from "react-router";

/** The way to the page, from the profile and the user menu (a NavLink in the phone's menu). */
export function ResponsibleGamblingLink({
  className,
  nav = false,
}: {
  className?: string;
  nav?: boolean;
}) {
  const { t } = useTranslation("responsible-gambling");
  const to = "/profile/responsible-gambling";
  return nav ? (
    <NavLink to={to} className={className}>
      {t("link")}
    </NavLink>
  ) : (
    <Link to={to} className={className}>
      {t("link")}
    </Link>
  );
}
