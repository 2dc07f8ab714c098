import { useTranslation } from "react-i18next";
import { NavLink, Outlet } from "react-router";
import { RequireAdmin } from "@/shared/session/guards";
import "../admin.css";

/** Every admin page: the admin guard and the sections' sub-navigation. */
export function Component() {
  const { t } = useTranslation("admin");
  return (
    <RequireAdmin>
      <div className="admin">
        <nav className="admin-nav" aria-label={t("nav.label")}>
          <NavLink to="/admin" end>
            {t("nav.dashboard")}
          </NavLink>
          <NavLink to="/admin/events">{t("nav.events")}</NavLink>
          <NavLink to="/admin/withdrawals">{t("nav.withdrawals")}</NavLink>
          <NavLink to="/admin/plans">{t("nav.plans")}</NavLink>
          <NavLink to="/admin/packages">{t("nav.packages")}</NavLink>
          <NavLink to="/admin/users">{t("nav.users")}</NavLink>
          <NavLink to="/admin/notifications">{t("nav.notifications")}</NavLink>
          <NavLink to="/admin/partners">{t("nav.partners")}</NavLink>
        </nav>
        <Outlet />
      </div>
    </RequireAdmin>
  );
}
