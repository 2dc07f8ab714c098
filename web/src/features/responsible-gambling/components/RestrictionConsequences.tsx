import { useTranslation } from "react-i18next";

/** What a time-out or self-exclusion stops, what stays, and that it is final: said before
 * every confirmation. */
export function RestrictionConsequences() {
  const { t } = useTranslation("responsible-gambling");
  return (
    <ul className="rg-consequences">
      <li>{t("confirm.stops")}</li>
      <li>{t("confirm.stays")}</li>
      <li>
        <strong>{t("confirm.final")}</strong>
      </li>
    </ul>
  );
}
