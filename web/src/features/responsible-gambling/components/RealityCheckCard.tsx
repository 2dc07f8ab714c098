import { useState } from "react";
import { useTranslation } from "react-i18next";
import { preferences, usePreferences } from "@/shared/preferences/preferences";
import { Card, SelectField } from "@/shared/ui";
import { realityCheckChoices } from "../model/realityCheck";

const OFF = "off";

/**
 * The reality-check interval: a display preference, applied at once (the live stream reopens
 * asking for it) and saved to the account by the Shell's useAccountPreferences.
 */
export function RealityCheckCard() {
  const { t } = useTranslation("responsible-gambling");
  const { reality_check_minutes: minutes } = usePreferences();
  const [changed, setChanged] = useState(false);
  return (
    <Card title={t("realityCheck.title")} className="rg-card">
      <p className="muted">{t("realityCheck.intro")}</p>
      <SelectField
        label={t("realityCheck.every")}
        value={minutes === null ? OFF : String(minutes)}
        onChange={(event) => {
          const value = event.target.value;
          preferences.apply({ reality_check_minutes: value === OFF ? null : Number(value) });
          setChanged(true);
        }}
      >
        <option value={OFF}>{t("realityCheck.off")}</option>
        {realityCheckChoices(minutes).map((choice) => (
          <option key={choice} value={String(choice)}>
            {t("realityCheck.minutes", { count: choice })}
          </option>
        ))}
      </SelectField>
      <p className="muted">{t("realityCheck.session")}</p>
      <div role="status">
        {changed ? (
          <p className="alert alert-success">
            {minutes === null
              ? t("realityCheck.savedOff")
              : t("realityCheck.saved", { count: minutes })}
          </p>
        ) : null}
      </div>
    </Card>
  );
}
