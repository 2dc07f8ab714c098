import { useTranslation } from "react-i18next";
import type { Restriction } from "../model/restriction";
import { useRgFormat } from "./words";

/** The restriction in force, with its end time, what it pauses and that it cannot be ended. */
export function RestrictionBanner({ restriction }: { restriction: Restriction }) {
  const { t } = useTranslation("responsible-gambling");
  const format = useRgFormat();
  return (
    <div className="alert rg-banner" role="status">
      <div>
        <p className="rg-banner-title">
          {t(`banner.${restriction.kind}`, { until: format.time(restriction.until) })}
        </p>
        <p>
          {t("banner.effect")} <strong>{t("banner.final")}</strong>
        </p>
      </div>
    </div>
  );
}
