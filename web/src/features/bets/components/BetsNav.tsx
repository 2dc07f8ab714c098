import { useTranslation } from "react-i18next";
import { NavLink } from "react-router";

/** History | Statistics: two pages of "My bets" (statistics is its own lazy page: charts). */
export function BetsNav() {
  const { t } = useTranslation("bets");
  return (
    <nav className="bets-nav" aria-label={t("sections.label")}>
      <NavLink to="/bets" end>
        {t("sections.history")}
      </NavLink>
      <NavLink to="/bets/stats">{t("sections.stats")}</NavLink>
    </nav>
  );
}
