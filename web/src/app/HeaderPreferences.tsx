import { useTranslation } from "react-i18next";
import { preferences, usePreferences } from "@/shared/preferences/preferences";
import { effectiveTheme } from "./theme";

/** Language and theme switches, always one click away in the header. */
export function HeaderPreferences() {
  const { t } = useTranslation();
  const prefs = usePreferences();
  const dark = prefs.theme === "dark" || (prefs.theme === "system" && effectiveTheme() === "dark");
  return (
    <>
      <button
        type="button"
        className="btn btn-ghost"
        aria-label={t("prefs.language")}
        onClick={() => preferences.apply({ language: prefs.language === "en" ? "ru" : "en" })}
      >
        {prefs.language === "en" ? "RU" : "EN"}
      </button>
      <button
        type="button"
        className="btn btn-ghost"
        aria-label={dark ? t("prefs.switchToLight") : t("prefs.switchToDark")}
        onClick={() => preferences.apply({ theme: dark ? "light" : "dark" })}
      >
        <span aria-hidden="true">{dark ? "☀" : "☾"}</span>
      </button>
    </>
  );
}
