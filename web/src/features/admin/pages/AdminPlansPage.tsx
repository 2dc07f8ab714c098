import { useTranslation } from "react-i18next";
import { useBillingFormat, useFeatureText } from "@/features/billing";
import { Card, EmptyState, ErrorMessage, Money, PageTitle, Skeleton } from "@/shared/ui";
import { useAdminPlans, useRetirePlan, useSubscriptionStats, type AdminPlan } from "../api/billing";
import { ConfirmButton } from "../components/ConfirmButton";
import { CreatePlanForm } from "../components/CreatePlanForm";
import { FigureCard } from "../components/FigureCard";
import { formatCount } from "../model/numbers";

function SubscriptionFigures() {
  const { t, i18n } = useTranslation("admin");
  const stats = useSubscriptionStats();
  if (stats.error) return <ErrorMessage error={stats.error} onRetry={() => void stats.refetch()} />;
  if (!stats.data) return <Skeleton lines={1} height="5rem" />;
  const s = stats.data;
  return (
    <section className="admin-figures" aria-label={t("plans.figures")}>
      <FigureCard
        label={t("plans.activeSubscribers")}
        value={formatCount(s.active_subscribers, i18n.language)}
        note={t("plans.suspendedNote", {
          count: s.suspended_subscribers,
          formatted: formatCount(s.suspended_subscribers, i18n.language),
        })}
      />
      <FigureCard
        label={t("plans.runRate")}
        value={<Money amount={s.run_rate_daily} currency={s.currency} />}
        note={t("plans.runRateNote")}
      />
      <FigureCard
        label={t("plans.revenue24h")}
        value={<Money amount={s.revenue_24h} currency={s.currency} />}
        note={t("plans.revenueNote")}
      />
      <FigureCard
        label={t("plans.revenue30d")}
        value={<Money amount={s.revenue_30d} currency={s.currency} />}
        note={t("plans.revenueNote")}
      />
    </section>
  );
}

function PlanRow({ plan }: { plan: AdminPlan }) {
  const { t } = useTranslation("admin");
  const format = useBillingFormat();
  const feature = useFeatureText();
  const retire = useRetirePlan();
  return (
    <tr className={plan.retired ? "admin-muted-row" : undefined}>
      <th scope="row" data-label={t("fields.name")}>
        {/* One block: on a phone the row's cells stack, the name above its description. */}
        <div>
          {plan.name}
          {plan.description ? <div className="admin-details">{plan.description}</div> : null}
        </div>
      </th>
      <td data-label={t("plans.price")} className="num">
        {format.pricePer(plan.price, plan.currency, plan.period_seconds)}
      </td>
      <td data-label={t("plans.features")}>
        {plan.features.length ? plan.features.map(feature).join(", ") : "—"}
      </td>
      <td data-label={t("fields.status")}>
        <span className={`badge ${plan.retired ? "" : "admin-badge-ok"}`}>
          {plan.retired ? t("plans.retired") : t("plans.onSale")}
        </span>
      </td>
      <td data-label={t("markets.actions")}>
        {plan.retired ? null : (
          <ConfirmButton
            label={t("plans.retire")}
            question={t("plans.confirmRetire", { name: plan.name })}
            busy={retire.isPending}
            onConfirm={() => retire.mutate(plan.id)}
          />
        )}
        <ErrorMessage error={retire.error} />
      </td>
    </tr>
  );
}

/** Pro's plans: the subscribers' figures, every plan (retired ones too), a new plan. */
export function Component() {
  const { t } = useTranslation("admin");
  const plans = useAdminPlans();
  return (
    <>
      <PageTitle>{t("plans.title")}</PageTitle>
      <SubscriptionFigures />
      <Card title={t("plans.list")}>
        <ErrorMessage error={plans.error} onRetry={() => void plans.refetch()} />
        {plans.isPending ? <Skeleton lines={3} height="2.4rem" /> : null}
        {plans.data && plans.data.length === 0 ? <EmptyState>{t("plans.none")}</EmptyState> : null}
        {plans.data && plans.data.length > 0 ? (
          <div className="table-wrap">
            <table className="data admin-table admin-stack">
              <thead>
                <tr>
                  <th scope="col">{t("fields.name")}</th>
                  <th scope="col">{t("plans.price")}</th>
                  <th scope="col">{t("plans.features")}</th>
                  <th scope="col">{t("fields.status")}</th>
                  <th scope="col">{t("markets.actions")}</th>
                </tr>
              </thead>
              <tbody>
                {plans.data.map((plan) => (
                  <PlanRow key={plan.id} plan={plan} />
                ))}
              </tbody>
            </table>
          </div>
        ) : null}
      </Card>
      <CreatePlanForm />
    </>
  );
}
