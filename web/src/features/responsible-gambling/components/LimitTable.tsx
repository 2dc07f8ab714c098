import { useTranslation } from "react-i18next";
import type { LimitKind, PeriodLimit } from "../model/limits";
import { useRgFormat } from "./words";

/** One kind's limits per period, read only: in force, pending (and when), used so far. Shared
 * by the user's page (beside the forms) and the admin's user page. */
export function LimitFigures({ kind, limit }: { kind: LimitKind; limit: PeriodLimit }) {
  const { t } = useTranslation("responsible-gambling");
  const format = useRgFormat();
  const pending = limit.pending;
  return (
    <dl className="rg-figures">
      <div>
        <dt>{t("limits.current")}</dt>
        <dd className="num">
          {limit.current === null ? t("limits.none") : format.money(limit.current)}
        </dd>
      </div>
      <div>
        <dt>{t("limits.pending")}</dt>
        <dd>
          {pending === null
            ? t("limits.noPending")
            : pending.amount === null
              ? t("limits.pendingRemoval", { time: format.time(pending.effectiveAt) })
              : t("limits.pendingTo", {
                  amount: format.money(pending.amount),
                  time: format.time(pending.effectiveAt),
                })}
        </dd>
      </div>
      <div>
        <dt>{t(`limits.${kind}.used`)}</dt>
        <dd className="num">{format.money(limit.used)}</dd>
      </div>
    </dl>
  );
}

export function LimitTable({ kind, limits }: { kind: LimitKind; limits: PeriodLimit[] }) {
  const { t } = useTranslation("responsible-gambling");
  return (
    <ul className="rg-periods">
      {limits.map((limit) => (
        <li key={limit.period} className="rg-period">
          <h4>{t(`limits.period.${limit.period}`)}</h4>
          <LimitFigures kind={kind} limit={limit} />
        </li>
      ))}
    </ul>
  );
}
