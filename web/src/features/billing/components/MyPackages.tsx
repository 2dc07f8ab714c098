import { useTranslation } from "react-i18next";
import { Card, EmptyState, ErrorMessage, Skeleton } from "@/shared/ui";
import { useMyPackages } from "../api/packages";
import { expiresSoon, isLive, spendingOrder, unitsLeft } from "../model/packages";
import type { Holding } from "../model/types";
import { useNow } from "./useNow";
import { useBillingFormat } from "./words";

function HoldingItem({ holding, now }: { holding: Holding; now: number }) {
  const { t } = useTranslation("billing");
  const format = useBillingFormat();
  const live = spendingOrder(holding.purchases).filter((p) => isLive(p, now));
  const total = unitsLeft(live, now);
  const headingId = `holding-${holding.package_id}`;
  return (
    <li className="billing-holding" aria-labelledby={headingId}>
      <div className="billing-holding-head">
        <h3 id={headingId}>{holding.name}</h3>
        <span className="billing-units num">
          {holding.kind === "free_bet"
            ? t("mine.freeBetsLeft", { count: total })
            : t("mine.unitsLeft", { count: total })}
        </span>
      </div>
      {/* Earliest expiry first: the order usage spends them in. */}
      <ol className="billing-purchases" aria-label={t("mine.byExpiry")}>
        {live.map((p) => (
          <li key={p.purchase_id} className="billing-purchase">
            <span className="num">
              {t("mine.purchaseUnits", { left: p.units_left, total: p.units_total })}
            </span>
            <span className="num">{t("mine.expires", { time: format.time(p.expires_at) })}</span>
            {expiresSoon(p, now) ? (
              <span className="badge billing-badge-warn">{t("mine.expiresSoon")}</span>
            ) : null}
          </li>
        ))}
      </ol>
    </li>
  );
}

/** The user's units per package, each purchase with its own expiry, earliest first. */
export function MyPackages() {
  const { t } = useTranslation("billing");
  const mine = useMyPackages();
  const now = useNow();
  const held = (mine.data ?? []).filter((h) => h.purchases.some((p) => isLive(p, now)));
  return (
    <Card title={t("mine.title")} className="billing-section">
      {mine.error ? (
        <ErrorMessage error={mine.error} onRetry={() => void mine.refetch()} />
      ) : !mine.data ? (
        <Skeleton lines={2} />
      ) : held.length === 0 ? (
        <EmptyState>{t("mine.empty")}</EmptyState>
      ) : (
        <ul className="billing-holdings">
          {held.map((h) => (
            <HoldingItem key={h.package_id} holding={h} now={now} />
          ))}
        </ul>
      )}
    </Card>
  );
}
