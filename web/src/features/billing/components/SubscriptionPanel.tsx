import { useTranslation } from "react-i18next";
import { Link } from "react-router";
import { actionsFor } from "../model/subscription";
import type { Subscription } from "../model/types";
import { ConfirmStep } from "@/shared/ui";
import { useBillingFormat, useFeatureText } from "./words";

const TONE = {
  active: "billing-badge-ok",
  suspended: "billing-badge-warn",
  cancelled: "billing-badge-off",
} as const;

/**
 * The user's subscription as it stands: status in words, paid-through time, the next charge,
 * and, when a renewal found too little money, a banner that says to top up (a deposit resumes it).
 */
export function SubscriptionPanel({
  subscription: sub,
  busy,
  onCancel,
  onResume,
}: {
  subscription: Subscription;
  busy: boolean;
  onCancel: () => void;
  onResume: () => void;
}) {
  const { t } = useTranslation("billing");
  const format = useBillingFormat();
  const feature = useFeatureText();
  const actions = actionsFor(sub.status);
  const price = format.money(sub.plan.price, sub.plan.currency);
  const period = format.period(sub.plan.period_seconds);
  const paidThrough = format.time(sub.paid_through);
  return (
    <section className="card billing-status" aria-labelledby="billing-status-title">
      <header className="card-header">
        <h2 id="billing-status-title" className="card-title">
          {t("status.title")}
        </h2>
        <span className={`badge ${TONE[sub.status]}`}>{t(`status.${sub.status}`)}</span>
      </header>
      {sub.status === "suspended" ? (
        <div className="alert billing-alert-warn" role="alert">
          <span>{t("status.suspendedBanner", { price, paidThrough })}</span>
          <Link className="btn btn-primary" to="/wallet#deposit">
            {t("actions.topUp")}
          </Link>
        </div>
      ) : null}
      <dl className="billing-figures">
        <div>
          <dt>{t("status.plan")}</dt>
          <dd>
            {sub.plan.name}{" "}
            <span className="muted num">{t("period.price", { price, period })}</span>
          </dd>
        </div>
        <div>
          <dt>{t("status.access")}</dt>
          <dd>{sub.has_access ? t("status.accessOn") : t("status.accessOff")}</dd>
        </div>
        <div>
          <dt>{sub.has_access ? t("status.paidThrough") : t("status.endedAt")}</dt>
          <dd className="num">{paidThrough}</dd>
        </div>
        <div>
          <dt>{t("status.nextCharge")}</dt>
          <dd className="num">
            {sub.status === "active" && sub.next_renewal_at
              ? t("status.nextChargeAt", {
                  amount: format.money(sub.next_renewal_price ?? sub.plan.price, sub.currency),
                  time: format.time(sub.next_renewal_at),
                })
              : t("status.noNextCharge")}
          </dd>
        </div>
      </dl>
      {sub.status === "cancelled" ? (
        <p className="muted">
          {sub.has_access ? t("status.cancelledNote", { paidThrough }) : t("status.endedNote")}
        </p>
      ) : null}
      {sub.features.length > 0 ? (
        <p className="billing-granted">
          {t("status.granted", { features: sub.features.map(feature).join(", ") })}
        </p>
      ) : null}
      <div className="billing-row">
        {actions.resume ? (
          <ConfirmStep
            label={t("actions.resume")}
            question={
              sub.status === "cancelled" && sub.has_access
                ? t("confirm.resumePaid", { paidThrough, price, period })
                : t("confirm.resume", { price, period })
            }
            busy={busy}
            onConfirm={onResume}
          />
        ) : null}
        {actions.cancel ? (
          <ConfirmStep
            label={t("actions.cancel")}
            question={t("confirm.cancel", { paidThrough })}
            variant="secondary"
            confirmVariant="danger"
            busy={busy}
            onConfirm={onCancel}
          />
        ) : null}
      </div>
    </section>
  );
}
