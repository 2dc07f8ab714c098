import { useTranslation } from "react-i18next";
import { NavLink } from "react-router";

/** Wallet, Pro and Packages side by side: the money pages a bettor moves between. */
export function BillingNav() {
  const { t } = useTranslation("billing");
  return (
    <nav className="billing-nav" aria-label={t("nav.label")}>
      <NavLink to="/wallet" end>
        {t("nav.wallet")}
      </NavLink>
      <NavLink to="/wallet/pro">{t("nav.pro")}</NavLink>
      <NavLink to="/wallet/packages">{t("nav.packages")}</NavLink>
    </nav>
  );
}
