import { useId, useState } from "react";
import { useTranslation } from "react-i18next";
import { Card, ConfirmStep, TextField } from "@/shared/ui";
import {
  endsTooSoon,
  TIME_OUT_PRESETS,
  timeOutDays,
  timeOutEnd,
  type Restriction,
  type TimeOutChoice,
} from "../model/restriction";
import { RestrictionConsequences } from "./RestrictionConsequences";
import { useNow } from "./useNow";
import { useRgFormat } from "./words";

/** A time-out: 24 hours, 7 days, 30 days, 6 weeks or a number of days, behind a confirmation. */
export function TimeOutCard({
  current,
  busy,
  onTake,
}: {
  current: Restriction | null;
  busy: boolean;
  onTake: (days: number) => void;
}) {
  const { t } = useTranslation("responsible-gambling");
  const format = useRgFormat();
  const now = useNow();
  const name = useId();
  const [choice, setChoice] = useState<TimeOutChoice>({ preset: 1 });
  const [shown, setShown] = useState(false);
  const read = timeOutDays(choice);
  const days = "days" in read ? read.days : null;
  const until = days === null ? null : timeOutEnd(now, days);
  const tooSoon = until !== null && endsTooSoon(current, until);
  const length = (count: number) =>
    TIME_OUT_PRESETS.includes(count) ? t(`timeOut.preset.${count}`) : t("timeOut.days", { count });
  const custom = "custom" in choice;
  return (
    <Card title={t("timeOut.title")} className="rg-card">
      <p className="muted rg-intro">{t("timeOut.intro")}</p>
      <fieldset className="rg-choices">
        <legend>{t("timeOut.length")}</legend>
        {TIME_OUT_PRESETS.map((preset) => (
          <label key={preset} className="check">
            <input
              type="radio"
              name={name}
              checked={"preset" in choice && choice.preset === preset}
              onChange={() => setChoice({ preset })}
            />
            {t(`timeOut.preset.${preset}`)}
          </label>
        ))}
        <label className="check">
          <input
            type="radio"
            name={name}
            checked={custom}
            onChange={() => setChoice({ custom: "" })}
          />
          {t("timeOut.custom")}
        </label>
        {custom ? (
          <TextField
            label={t("timeOut.customDays")}
            inputMode="numeric"
            autoComplete="off"
            value={choice.custom}
            onChange={(e) => {
              setChoice({ custom: e.target.value });
              setShown(false);
            }}
            error={shown && "problem" in read ? t(`timeOut.problem.${read.problem}`) : undefined}
          />
        ) : null}
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
        label={t("timeOut.take")}
        question={
          days === null || until === null
            ? ""
            : t("timeOut.confirm", { length: length(days), until: format.time(until) })
        }
        busy={busy}
        disabled={tooSoon}
        danger
        ready={() => {
          setShown(true);
          return days !== null;
        }}
        onConfirm={() => {
          if (days !== null) onTake(days);
        }}
      >
        <RestrictionConsequences />
      </ConfirmStep>
    </Card>
  );
}
