import { useId, useState } from "react";
import { useTranslation } from "react-i18next";
import { Card, ConfirmStep } from "@/shared/ui";
import {
  endsTooSoon,
  SELF_EXCLUSION_MONTHS,
  selfExclusionEnd,
  type Restriction,
} from "../model/restriction";
import { RestrictionConsequences } from "./RestrictionConsequences";
import { useNow } from "./useNow";
import { useRgFormat } from "./words";

/** A self-exclusion of 6 months, 1, 2 or 5 years, behind a confirmation. */
export function SelfExclusionCard({
  current,
  busy,
  onTake,
}: {
  current: Restriction | null;
  busy: boolean;
  onTake: (months: number) => void;
}) {
  const { t } = useTranslation("responsible-gambling");
  const format = useRgFormat();
  const now = useNow();
  const name = useId();
  const [months, setMonths] = useState(SELF_EXCLUSION_MONTHS[0] ?? 6);
  const until = selfExclusionEnd(now, months);
  const tooSoon = endsTooSoon(current, until);
  return (
    <Card title={t("selfExclusion.title")} className="rg-card">
      <p className="muted rg-intro">{t("selfExclusion.intro")}</p>
      <fieldset className="rg-choices">
        <legend>{t("selfExclusion.length")}</legend>
        {SELF_EXCLUSION_MONTHS.map((choice) => (
          <label key={choice} className="check">
            <input
              type="radio"
              name={name}
              checked={months === choice}
              onChange={() => setMonths(choice)}
            />
            {t(`selfExclusion.months.${choice}`)}
          </label>
        ))}
      </fieldset>
      {tooSoon && current ? (
        <p className="field-hint rg-warn">
          {t("confirm.endsTooSoon", {
            kind: t(`kind.${current.kind}`),
            until: format.time(current.until),
          })}
        </p>
      ) : null}
      <ConfirmStep
        label={t("selfExclusion.take")}
        question={t("selfExclusion.confirm", {
          length: t(`selfExclusion.months.${months}`),
          until: format.time(until),
        })}
        busy={busy}
        disabled={tooSoon}
        danger
        onConfirm={() => onTake(months)}
      >
        <RestrictionConsequences />
      </ConfirmStep>
    </Card>
  );
}
