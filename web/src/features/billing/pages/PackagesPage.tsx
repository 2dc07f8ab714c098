import { useState } from "react";
import { useTranslation } from "react-i18next";
import { RequireAuth } from "@/shared/session/guards";
import { EmptyState, ErrorMessage, PageTitle, Skeleton } from "@/shared/ui";
import { useBuyPackage, usePackages } from "../api/packages";
import { BillingNav } from "../components/BillingNav";
import { MyPackages } from "../components/MyPackages";
import { OrderLog } from "../components/OrderLog";
import { Outcome } from "../components/Outcome";
import { PackageCard } from "../components/PackageCard";
import "../billing.css";

export function PackagesPage() {
  const { t } = useTranslation("billing");
  const packages = usePackages();
  const buy = useBuyPackage();
  const [done, setDone] = useState<string | null>(null);

  const onBuy = (packageId: string, name: string, method: "balance" | "card") => {
    setDone(null);
    buy.mutate(
      { packageId, method },
      {
        onSuccess: (answer) => {
          // Card: pay on Stripe's page; it comes back to /wallet/deposit/done, and the units
          // are credited when the payment is confirmed (the webhook), not on the way back.
          if (answer.confirmation_url) window.location.assign(answer.confirmation_url);
          else setDone(t("done.bought", { name }));
        },
      },
    );
  };

  return (
    <>
      <PageTitle>{t("packages.title")}</PageTitle>
      <BillingNav />
      <p className="muted billing-intro">{t("packages.intro")}</p>
      <Outcome done={done} error={buy.error} />
      <section className="billing-section" aria-labelledby="billing-catalogue-title">
        <h2 id="billing-catalogue-title">{t("packages.catalogue")}</h2>
        {packages.error ? (
          <ErrorMessage error={packages.error} onRetry={() => void packages.refetch()} />
        ) : !packages.data ? (
          <Skeleton lines={2} height="6rem" />
        ) : packages.data.length === 0 ? (
          <EmptyState>{t("packages.empty")}</EmptyState>
        ) : (
          <div className="billing-grid">
            {packages.data.map((pack) => (
              <PackageCard
                key={pack.id}
                pack={pack}
                busy={buy.isPending || Boolean(buy.data?.confirmation_url)}
                onBuy={(method) => onBuy(pack.id, pack.name, method)}
              />
            ))}
          </div>
        )}
      </section>
      <MyPackages />
      <OrderLog />
    </>
  );
}

export function Component() {
  return (
    <RequireAuth>
      <PackagesPage />
    </RequireAuth>
  );
}
