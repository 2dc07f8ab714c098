import { useTranslation } from "react-i18next";
import { Link, useSearchParams } from "react-router";
import { useBillingFormat } from "@/features/billing";
import { formatDateTime } from "@/shared/format/money";
import {
  Card,
  EmptyState,
  ErrorMessage,
  Money,
  PageTitle,
  SelectField,
  Skeleton,
} from "@/shared/ui";
import {
  useAdminPackages,
  usePackageOrders,
  usePackagePurchases,
  usePackageTotals,
  useSetPackageActive,
  type AdminPackage,
  type PackageOrderStatus,
} from "../api/billing";
import { ConfirmButton } from "../components/ConfirmButton";
import { CreatePackageForm } from "../components/CreatePackageForm";
import { FigureCard } from "../components/FigureCard";
import { formatCount } from "../model/numbers";

const ORDER_STATUSES: PackageOrderStatus[] = ["pending", "paid", "failed"];
const TONE: Record<string, string> = {
  paid: "admin-badge-ok",
  active: "admin-badge-ok",
  pending: "admin-badge-warn",
  failed: "badge-lost",
  expired: "badge-lost",
};

function PackageFigures() {
  const { t, i18n } = useTranslation("admin");
  const totals = usePackageTotals();
  if (totals.error)
    return <ErrorMessage error={totals.error} onRetry={() => void totals.refetch()} />;
  if (!totals.data) return <Skeleton lines={1} height="5rem" />;
  const { revenue, units } = totals.data;
  const count = (n: number) => formatCount(n, i18n.language);
  return (
    <section className="admin-figures" aria-label={t("packages.figures")}>
      <FigureCard
        label={t("plans.revenue24h")}
        value={<Money amount={revenue.last_24h} currency={revenue.currency} />}
      />
      <FigureCard
        label={t("plans.revenue30d")}
        value={<Money amount={revenue.last_30d} currency={revenue.currency} />}
      />
      <FigureCard
        label={t("packages.unitsSold")}
        value={count(units.sold)}
        note={t("packages.unitsNote", {
          used: count(units.used),
          lapsed: count(units.lapsed),
          left: count(units.left),
        })}
      />
    </section>
  );
}

function PackageRow({ pack }: { pack: AdminPackage }) {
  const { t } = useTranslation("admin");
  const format = useBillingFormat();
  const setActive = useSetPackageActive();
  return (
    <tr className={pack.active ? undefined : "admin-muted-row"}>
      <th scope="row" data-label={t("fields.name")}>
        {/* One block: on a phone the row's cells stack, the name above its description. */}
        <div>
          {pack.name}
          {pack.description ? <div className="admin-details">{pack.description}</div> : null}
        </div>
      </th>
      <td data-label={t("packages.kind")}>
        {t(`packages.kinds.${pack.kind}`)}
        {pack.stake ? (
          <div className="muted num">
            {t("packages.stakeOf", { stake: format.money(pack.stake, pack.currency) })}
          </div>
        ) : null}
      </td>
      <td data-label={t("packages.units")} className="num">
        {pack.units}
      </td>
      <td data-label={t("packages.price")} className="amount">
        <Money amount={pack.price} currency={pack.currency} />
      </td>
      <td data-label={t("packages.validity")} className="num">
        {t("packages.days", { count: pack.validity_days })}
      </td>
      <td data-label={t("fields.status")}>
        <span className={`badge ${pack.active ? "admin-badge-ok" : ""}`}>
          {pack.active ? t("plans.onSale") : t("packages.offSale")}
        </span>
      </td>
      <td data-label={t("markets.actions")}>
        <ConfirmButton
          label={pack.active ? t("packages.takeOff") : t("packages.putOn")}
          question={
            pack.active
              ? t("packages.confirmOff", { name: pack.name })
              : t("packages.confirmOn", { name: pack.name })
          }
          danger={pack.active}
          busy={setActive.isPending}
          onConfirm={() => setActive.mutate({ packageId: pack.id, active: !pack.active })}
        />
        <ErrorMessage error={setActive.error} />
      </td>
    </tr>
  );
}

function Orders() {
  const { t, i18n } = useTranslation("admin");
  const [params, setParams] = useSearchParams();
  const raw = params.get("orders");
  const status = ORDER_STATUSES.find((s) => s === raw) ?? "";
  const orders = usePackageOrders(status);
  return (
    <Card
      title={t("packages.orders")}
      actions={
        <SelectField
          label={t("fields.status")}
          className="admin-inline-field"
          value={status || "all"}
          onChange={(e) => setParams({ orders: e.target.value }, { replace: true })}
        >
          <option value="all">{t("withdrawals.all")}</option>
          {ORDER_STATUSES.map((s) => (
            <option key={s} value={s}>
              {t(`packages.orderStatus.${s}`)}
            </option>
          ))}
        </SelectField>
      }
    >
      <ErrorMessage error={orders.error} onRetry={() => void orders.refetch()} />
      {orders.isPending ? <Skeleton lines={3} height="2.4rem" /> : null}
      {orders.data && orders.data.orders.length === 0 ? (
        <EmptyState>{t("packages.noOrders")}</EmptyState>
      ) : null}
      {orders.data && orders.data.orders.length > 0 ? (
        <div className="table-wrap">
          <table className="data admin-table admin-stack">
            <thead>
              <tr>
                <th scope="col">{t("fields.date")}</th>
                <th scope="col">{t("fields.user")}</th>
                <th scope="col">{t("packages.package")}</th>
                <th scope="col">{t("packages.method")}</th>
                <th scope="col">{t("fields.status")}</th>
                <th scope="col" className="amount">
                  {t("fields.amount")}
                </th>
              </tr>
            </thead>
            <tbody>
              {orders.data.orders.map((o) => (
                <tr key={o.order_id}>
                  <td data-label={t("fields.date")} className="num">
                    {formatDateTime(o.created_at, i18n.language)}
                  </td>
                  <td data-label={t("fields.user")}>
                    <Link to={`/admin/users/${o.user_id}`} className="admin-id">
                      {o.user_id.slice(0, 8)}
                    </Link>
                  </td>
                  <td data-label={t("packages.package")}>{o.package_name ?? "—"}</td>
                  <td data-label={t("packages.method")}>{t(`packages.methods.${o.method}`)}</td>
                  <td data-label={t("fields.status")}>
                    <span className={`badge ${TONE[o.status] ?? ""}`}>
                      {t(`packages.orderStatus.${o.status}`)}
                    </span>
                    {o.failure_reason ? <div className="muted">{o.failure_reason}</div> : null}
                  </td>
                  <td data-label={t("fields.amount")} className="amount">
                    <Money amount={o.amount} currency={o.currency} />
                  </td>
                </tr>
              ))}
            </tbody>
          </table>
        </div>
      ) : null}
    </Card>
  );
}

/** Users' packages: every purchase with its units and expiry (the seed's admin view). */
function Purchases() {
  const { t, i18n } = useTranslation("admin");
  const purchases = usePackagePurchases();
  return (
    <Card title={t("packages.purchases")}>
      <ErrorMessage error={purchases.error} onRetry={() => void purchases.refetch()} />
      {purchases.isPending ? <Skeleton lines={3} height="2.4rem" /> : null}
      {purchases.data && purchases.data.purchases.length === 0 ? (
        <EmptyState>{t("packages.noPurchases")}</EmptyState>
      ) : null}
      {purchases.data && purchases.data.purchases.length > 0 ? (
        <div className="table-wrap">
          <table className="data admin-table admin-stack">
            <thead>
              <tr>
                <th scope="col">{t("fields.user")}</th>
                <th scope="col">{t("packages.package")}</th>
                <th scope="col">{t("packages.unitsLeft")}</th>
                <th scope="col">{t("packages.expires")}</th>
                <th scope="col">{t("fields.status")}</th>
              </tr>
            </thead>
            <tbody>
              {purchases.data.purchases.map((p) => (
                <tr key={p.purchase_id}>
                  <td data-label={t("fields.user")}>
                    <Link to={`/admin/users/${p.user_id}`} className="admin-id">
                      {p.user_id.slice(0, 8)}
                    </Link>
                  </td>
                  <td data-label={t("packages.package")}>{p.package_name}</td>
                  <td data-label={t("packages.unitsLeft")} className="num">
                    {t("packages.leftOf", { left: p.units_left, total: p.units_total })}
                  </td>
                  <td data-label={t("packages.expires")} className="num">
                    {formatDateTime(p.expires_at, i18n.language)}
                  </td>
                  <td data-label={t("fields.status")}>
                    <span className={`badge ${TONE[p.state] ?? ""}`}>
                      {t(`packages.state.${p.state}`)}
                    </span>
                  </td>
                </tr>
              ))}
            </tbody>
          </table>
        </div>
      ) : null}
    </Card>
  );
}

/** Packages: totals, the catalogue (on and off sale), a new package, orders, purchases. */
export function Component() {
  const { t } = useTranslation("admin");
  const packages = useAdminPackages();
  return (
    <>
      <PageTitle>{t("packages.title")}</PageTitle>
      <PackageFigures />
      <Card title={t("packages.list")}>
        <ErrorMessage error={packages.error} onRetry={() => void packages.refetch()} />
        {packages.isPending ? <Skeleton lines={3} height="2.4rem" /> : null}
        {packages.data && packages.data.length === 0 ? (
          <EmptyState>{t("packages.none")}</EmptyState>
        ) : null}
        {packages.data && packages.data.length > 0 ? (
          <div className="table-wrap">
            <table className="data admin-table admin-stack">
              <thead>
                <tr>
                  <th scope="col">{t("fields.name")}</th>
                  <th scope="col">{t("packages.kind")}</th>
                  <th scope="col">{t("packages.units")}</th>
                  <th scope="col" className="amount">
                    {t("packages.price")}
                  </th>
                  <th scope="col">{t("packages.validity")}</th>
                  <th scope="col">{t("fields.status")}</th>
                  <th scope="col">{t("markets.actions")}</th>
                </tr>
              </thead>
              <tbody>
                {packages.data.map((pack) => (
                  <PackageRow key={pack.id} pack={pack} />
                ))}
              </tbody>
            </table>
          </div>
        ) : null}
      </Card>
      <CreatePackageForm />
      <Orders />
      <Purchases />
    </>
  );
}
