import { useTranslation } from "react-i18next";
import {
  preferences,
  usePreferences,
  type Language,
  type OddsFormat,
  type Theme,
} from "@/shared/preferences/preferences";
import { Card, SelectField } from "@/shared/ui";

/** Applied here at once; the Shell's useAccountPreferences saves them to the account. */
export function PreferencesCard() {
  const { t } = useTranslation();
  const { t: tp } = useTranslation("profile");
  const prefs = usePreferences();
  return (
    <Card title={tp("preferences.title")}>
      <p className="muted profile-small">{tp("preferences.intro")}</p>
      <SelectField
        label={t("prefs.language")}
        value={prefs.language}
        onChange={(event) => preferences.apply({ language: event.target.value as Language })}
      >
        <option value="en">English</option>
        <option value="ru">Русский</option>
      </SelectField>
      <SelectField
        label={t("prefs.theme")}
        value={prefs.theme}
        onChange={(event) => preferences.apply({ theme: event.target.value as Theme })}
      >
        <option value="system">{t("prefs.themeSystem")}</option>
        <option value="dark">{t("prefs.themeDark")}</option>
        <option value="light">{t("prefs.themeLight")}</option>
      </SelectField>
      <SelectField
        label={t("prefs.oddsFormat")}
        value={prefs.odds_format}
        onChange={(event) => preferences.apply({ odds_format: event.target.value as OddsFormat })}
      >
        <option value="decimal">{t("prefs.decimal")} (2.50)</option>
        <option value="fractional">{t("prefs.fractional")} (3/2)</option>
        <option value="american">{t("prefs.american")} (+150)</option>
      </SelectField>
    </Card>
  );
}
