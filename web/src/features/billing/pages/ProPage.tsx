import { useState } from "react";
import { useTranslation } from "react-i18next";
import { RequireAuth } from "@/shared/session/guards";
import { EmptyState, ErrorMessage, PageTitle, Skeleton } from "@/shared/ui";
import {
  usePlans,
  useSubscription,
  useSubscriptionAction,
  type SubscriptionAction,
} from "../api/subscriptions";
import { BillingNav } from "../components/BillingNav";
import { ChargeLog } from "../components/ChargeLog";
import { Outcome } from "../components/Outcome";
import { PlanCard } from "../components/PlanCard";
import { SubscriptionPanel } from "../components/SubscriptionPanel";
import { offerFor } from "../model/subscription";
import type { Plan } from "../model/types";
import "../billing.css";

/** The current plan first, even when retired (its subscriber still renews on it), then the
 * others on sale. */
function plansShown(plans: Plan[], current: Plan | null): Plan[] {
  if (!current) return plans;
  return [current, ...plans.filter((p) => p.id !== current.id)];
}

function planNames(plans: Plan[], current: Plan | null): Map<string, string> {
  return new Map(plansShown(plans, current).map((p) => [p.id, p.name]));
}

export function ProPage() {
  const { t } = useTranslation("billing");
  const plans = usePlans();
  const subscription = useSubscription();
  const action = useSubscriptionAction();
  const [done, setDone] = useState<string | null>(null);
  const sub = subscription.data ?? null;
  const current = sub ? { planId: sub.plan.id, status: sub.status } : null;

  const run = (next: SubscriptionAction, success: string) => {
    setDone(null);
    action.mutate(next, { onSuccess: () => setDone(success) });
  };

  return (
    <>
      <PageTitle>{t("pro.title")}</PageTitle>
      <BillingNav />
      <p className="muted billing-intro">{t("pro.intro")}</p>
      <Outcome done={done} error={action.error} />
      {subscription.error ? (
        <ErrorMessage error={subscription.error} onRetry={() => void subscription.refetch()} />
      ) : subscription.isPending ? (
        <Skeleton lines={3} height="1.4rem" />
      ) : sub ? (
        <SubscriptionPanel
          subscription={sub}
          busy={action.isPending}
          onCancel={() => run({ kind: "cancel" }, t("done.cancelled"))}
          onResume={() => run({ kind: "resume" }, t("done.resumed"))}
        />
      ) : (
        <p className="alert alert-info">{t("status.none")}</p>
      )}
      <section className="billing-section" aria-labelledby="billing-plans-title">
        <h2 id="billing-plans-title">{t("plans.title")}</h2>
        {plans.error ? (
          <ErrorMessage error={plans.error} onRetry={() => void plans.refetch()} />
        ) : !plans.data || subscription.isPending ? (
          <Skeleton lines={2} height="6rem" />
        ) : plans.data.length === 0 && !sub ? (
          <EmptyState>{t("plans.empty")}</EmptyState>
        ) : (
          <div className="billing-grid">
            {plansShown(plans.data, sub?.plan ?? null).map((plan) => (
              <PlanCard
                key={plan.id}
                plan={plan}
                offer={offerFor(plan.id, plan.retired ?? false, current)}
                busy={action.isPending}
                onSubscribe={() =>
                  run(
                    { kind: "subscribe", planId: plan.id },
                    t("done.subscribed", { plan: plan.name }),
                  )
                }
                onChange={() =>
                  run({ kind: "change", planId: plan.id }, t("done.changed", { plan: plan.name }))
                }
              />
            ))}
          </div>
        )}
      </section>
      <ChargeLog planNames={planNames(plans.data ?? [], sub?.plan ?? null)} />
    </>
  );
}

export function Component() {
  return (
    <RequireAuth>
      <ProPage />
    </RequireAuth>
  );
}
