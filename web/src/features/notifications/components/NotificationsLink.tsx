import { useTranslation } from "react-i18next";
import { Link, NavLink } from "react-router";

/** The way to the notification settings, from the profile and the phone's menu. */
export function NotificationsLink({
  className,
  nav = false,
}: {
  className?: string;
  nav?: boolean;
}) {
  const { t } = useTranslation("notifications");
  const to = "/profile/notifications";
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
