import { useState } from "react";
import { useTranslation } from "react-i18next";
import type { Cents } from "@/shared/format/money";
import { Card, ConfirmStep, ErrorMessage, Skeleton, TextField } from "@/shared/ui";
import { useLimits, useSetLimit } from "../api/limits";
import {
  appliesAtOnce,
  changeOf,
  effectiveAt,
  readLimitAmount,
  type LimitKind,
  type PeriodLimit,
} from "../model/limits";
import { LimitFigures } from "./LimitTable";
import { useNow } from "./useNow";
import { useRgFormat } from "./words";

/** One period: its figures, a new amount to set (lower or raise), and removal. */
function PeriodRow({
  kind,
  limit,
  busy,
  onChange,
}: {
  kind: LimitKind;
  limit: PeriodLimit;
  busy: boolean;
  onChange: (amount: Cents | null, change: ReturnType<typeof changeOf>) => void;
}) {
  const { t } = useTranslation("responsible-gambling");
  const format = useRgFormat();
  const now = useNow();
  const [text, setText] = useState("");
  const [shown, setShown] = useState(false);
  const read = readLimitAmount(text);
  const amount = "cents" in read ? read.cents : null;
  const words = {
    period: t(`limits.adjective.${limit.period}`),
    what: t(`limits.what.${kind}`),
    from: limit.current === null ? "" : format.money(limit.current),
  };
  const question = (change: ReturnType<typeof changeOf>, cents: Cents | null) =>
    t(`limits.confirm.${change}`, {
      ...words,
      amount: cents === null ? "" : format.money(cents),
      time: format.time(effectiveAt(change, now)),
    });
  const setChange = amount === null ? "first" : changeOf(limit.current, amount);
  const removal = limit.current !== null && limit.pending?.amount !== null;
  return (
    <li className="rg-period">
      <h3>{t(`limits.period.${limit.period}`)}</h3>
      <LimitFigures kind={kind} limit={limit} />
      <div className="rg-row rg-limit-form">
        <TextField
          label={t("limits.newAmount", { period: words.period })}
          inputMode="decimal"
          autoComplete="off"
          value={text}
          onChange={(e) => {
            setText(e.target.value);
            setShown(false);
          }}
          error={shown && "problem" in read ? t(`limits.problem.${read.problem}`) : undefined}
        />
        <ConfirmStep
          label={limit.current === null ? t("limits.set") : t("limits.change")}
          question={question(setChange === "nothing" ? "first" : setChange, amount)}
          busy={busy}
          ready={() => {
            setShown(true);
            return amount !== null;
          }}
          onConfirm={() => {
            onChange(amount, setChange);
            setText("");
            setShown(false);
          }}
        />
        {removal ? (
          <ConfirmStep
            label={t("limits.remove")}
            question={question("remove", null)}
            busy={busy}
            danger
            onConfirm={() => onChange(null, "remove")}
          />
        ) : null}
      </div>
    </li>
  );
}

/** Deposit or loss limits: the three periods, each with its own form, and the outcome. */
export function LimitsCard({ kind }: { kind: LimitKind }) {
  const { t } = useTranslation("responsible-gambling");
  const format = useRgFormat();
  const limits = useLimits(kind);
  const set = useSetLimit(kind);
  const [done, setDone] = useState<string | null>(null);
  const change =
    (limit: PeriodLimit) => (amount: Cents | null, what: ReturnType<typeof changeOf>) => {
      setDone(null);
      set.mutate(
        { period: limit.period, amount },
        {
          onSuccess: () => {
            const words = {
              period: t(`limits.adjective.${limit.period}`),
              what: t(`limits.what.${kind}`),
            };
            const time = format.time(effectiveAt(what, Date.now()));
            setDone(
              appliesAtOnce(what)
                ? t("limits.done.now", { ...words, amount: format.money(amount ?? 0) })
                : amount === null
                  ? t("limits.done.removedLater", { ...words, time })
                  : t("limits.done.later", { ...words, time }),
            );
          },
        },
      );
    };
  return (
    <Card title={t(`limits.${kind}.title`)} className="rg-card">
      <p className="muted rg-intro">
        {t(`limits.${kind}.intro`)} {t("limits.rule")}
      </p>
      {set.error ? <ErrorMessage error={set.error} /> : null}
      <div role="status">{done ? <p className="alert alert-success">{done}</p> : null}</div>
      {limits.error ? (
        <ErrorMessage error={limits.error} onRetry={() => void limits.refetch()} />
      ) : !limits.data ? (
        <Skeleton lines={3} height="1.4rem" />
      ) : (
        <ul className="rg-periods">
          {limits.data.map((limit) => (
            <PeriodRow
              key={limit.period}
              kind={kind}
              limit={limit}
              busy={set.isPending}
              onChange={change(limit)}
            />
          ))}
        </ul>
      )}
    </Card>
  );
}
