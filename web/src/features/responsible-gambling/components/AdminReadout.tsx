import { useTranslation } from "react-i18next";
import { centsOf } from "@/shared/format/money";
import { periodLimits, type LimitAnswerRow, type LimitKind } from "../model/limits";
import { inForce, type Restriction } from "../model/restriction";
import { LimitTable } from "./LimitTable";
import { RestrictionHistory } from "./RestrictionHistory";
import { useNow } from "./useNow";
import { useRgFormat } from "./words";
import "../responsible-gambling.css";

/** One change of a limit, as the wallet and bets admin reads give it (their field names). */
export interface AdminLimitChange {
  kind: LimitKind;
  period: string;
  from: string | null;
  to: string | null;
  effective_at: string;
  created_at: string;
}

/** What the admin's user page reads (auth, wallet and bets admin GETs); a part that could not be
 * read is undefined and shows nothing (its error is the page's to show). */
export interface AdminRgData {
  restriction?: { restriction: Restriction | null; history: Restriction[] };
  depositLimits?: LimitAnswerRow[];
  lossLimits?: LimitAnswerRow[];
  changes: AdminLimitChange[];
}

/**
 * A user's restriction and limits for an admin, read only: nobody lifts a time-out or
 * self-exclusion early, and only the user sets their limits.
 */
export function AdminReadout({ data }: { data: AdminRgData }) {
  const { t } = useTranslation("responsible-gambling");
  const format = useRgFormat();
  const now = useNow();
  const current = inForce(data.restriction?.restriction ?? null, now);
  const amount = (value: string | null) =>
    value === null ? t("admin.noLimit") : format.money(centsOf(value));
  return (
    <div className="rg-admin">
      <h3>{t("admin.restriction")}</h3>
      {current ? (
        <p className="rg-admin-restriction">
          {t(`admin.${current.kind}`, { until: format.time(current.until) })}{" "}
          <strong>{t("admin.cannotLift")}</strong>
        </p>
      ) : (
        <p>{t("admin.none")}</p>
      )}
      {data.depositLimits ? (
        <>
          <h3>{t("admin.deposit")}</h3>
          <LimitTable kind="deposit" limits={periodLimits(data.depositLimits)} />
        </>
      ) : null}
      {data.lossLimits ? (
        <>
          <h3>{t("admin.loss")}</h3>
          <LimitTable kind="loss" limits={periodLimits(data.lossLimits)} />
        </>
      ) : null}
      {data.changes.length > 0 ? (
        <>
          <h3>{t("admin.changes")}</h3>
          <ul className="rg-history">
            {data.changes.map((change) => (
              <li key={`${change.kind}-${change.period}-${change.created_at}`}>
                {format.time(change.created_at)} ·{" "}
                {t("admin.changeLine", {
                  what: t(`limits.${change.kind}.title`),
                  period: t(`limits.adjective.${change.period}`),
                  from: amount(change.from),
                  to: amount(change.to),
                  effective: format.time(change.effective_at),
                })}
              </li>
            ))}
          </ul>
        </>
      ) : null}
      {data.restriction ? (
        <>
          <h3>{t("admin.history")}</h3>
          <RestrictionHistory history={data.restriction.history} />
        </>
      ) : null}
    </div>
  );
}
