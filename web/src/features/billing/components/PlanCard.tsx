import { useTranslation } from "react-i18next";
import type { PlanOffer } from "../model/subscription";
import type { Plan } from "../model/types";
import { ConfirmStep } from "@/shared/ui";
import { useBillingFormat, useFeatureText } from "./words";

/** One plan: its price per period in words, its features, and what the user can do with it. */
export function PlanCard({
  plan,
  offer,
  busy,
  onSubscribe,
  onChange,
}: {
  plan: Plan;
  offer: PlanOffer;
  busy: boolean;
  onSubscribe: () => void;
  onChange: () => void;
}) {
  const { t } = useTranslation("billing");
  const format = useBillingFormat();
  const feature = useFeatureText();
  const price = format.money(plan.price, plan.currency);
  const period = format.period(plan.period_seconds);
  const headingId = `plan-${plan.id}`;
  return (
    <article
      className={`card billing-plan${offer === "current" ? " billing-plan-current" : ""}`}
      aria-labelledby={headingId}
    >
      <header className="billing-plan-header">
        <h3 id={headingId}>{plan.name}</h3>
        {offer === "current" ? (
          <span className="badge billing-badge-ok">{t("plans.current")}</span>
        ) : null}
      </header>
      <p className="billing-plan-price num">{t("period.price", { price, period })}</p>
      {plan.description ? <p className="muted">{plan.description}</p> : null}
      {plan.features.length > 0 ? (
        <ul className="billing-features" aria-label={t("plans.features")}>
          {plan.features.map((flag) => (
            <li key={flag}>
              <span aria-hidden="true">✓ </span>
              {feature(flag)}
            </li>
          ))}
        </ul>
      ) : null}
      <div className="billing-plan-action">
        {offer === "subscribe" ? (
          <ConfirmStep
            label={t("actions.subscribe")}
            question={t("confirm.subscribe", { plan: plan.name, price, period })}
            busy={busy}
            onConfirm={onSubscribe}
          />
        ) : null}
        {offer === "change" ? (
          <ConfirmStep
            label={t("actions.change")}
            question={t("confirm.change", { plan: plan.name, price, period })}
            variant="secondary"
            busy={busy}
            onConfirm={onChange}
          />
        ) : null}
      </div>
    </article>
  );
}
