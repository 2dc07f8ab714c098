import { Suspense } from "react";
import { useTranslation } from "react-i18next";
import { Link, useParams } from "react-router";
import { AdminReadout } from "@/features/responsible-gambling";
import { formatDateTime } from "@/shared/format/money";
import { Card, EmptyState, ErrorMessage, PageTitle, Skeleton } from "@/shared/ui";
import { useUser, useUserAudit, useUserResponsibleGambling } from "../api/users";
import type { AdminUserDetails } from "../api/types";
import { StatusBadge } from "../components/StatusBadge";
import { UserAdminActions } from "../components/UserAdminActions";
import { UserWalletCard } from "../components/UserWalletCard";

function UserFacts({ user }: { user: AdminUserDetails }) {
  const { t, i18n } = useTranslation("admin");
  const yes = (value: boolean) => (value ? t("users.yes") : t("users.no"));
  return (
    <dl className="admin-facts admin-facts-grid">
      <div>
        <dt>{t("fields.status")}</dt>
        <dd>
          <StatusBadge status={user.status} />
          {user.blocked_reason ? <div className="muted">{user.blocked_reason}</div> : null}
        </dd>
      </div>
      <div>
        <dt>{t("fields.role")}</dt>
        <dd>{t(`role.${user.role}`)}</dd>
      </div>
      <div>
        <dt>{t("users.verified")}</dt>
        <dd>{yes(user.is_verified)}</dd>
      </div>
      <div>
        <dt>{t("users.twoFactor")}</dt>
        <dd>{yes(user.two_factor_enabled)}</dd>
      </div>
      <div>
        <dt>{t("users.sessions")}</dt>
        <dd className="num">{user.active_sessions}</dd>
      </div>
      <div>
        <dt>{t("users.providers")}</dt>
        <dd>{user.providers.length > 0 ? user.providers.join(", ") : "—"}</dd>
      </div>
      <div>
        <dt>{t("fields.joined")}</dt>
        <dd className="num">{formatDateTime(user.created_at, i18n.language)}</dd>
      </div>
    </dl>
  );
}

function AuditTrail({ userId }: { userId: string }) {
  const { t, i18n } = useTranslation("admin");
  const audit = useUserAudit(userId);
  return (
    <Card title={t("users.audit")}>
      <ErrorMessage error={audit.error} onRetry={() => void audit.refetch()} />
      {audit.isPending ? <Skeleton lines={4} /> : null}
      {audit.data && audit.data.length === 0 ? <EmptyState /> : null}
      {audit.data && audit.data.length > 0 ? (
        <div className="table-wrap">
          <table className="data admin-table admin-stack">
            <thead>
              <tr>
                <th scope="col">{t("fields.date")}</th>
                <th scope="col">{t("users.action")}</th>
                <th scope="col">{t("users.ip")}</th>
                <th scope="col">{t("users.details")}</th>
              </tr>
            </thead>
            <tbody>
              {audit.data.map((entry) => (
                <tr key={entry.id}>
                  <td data-label={t("fields.date")} className="num">
                    {formatDateTime(entry.created_at, i18n.language)}
                  </td>
                  <td data-label={t("users.action")}>
                    {t(`audit.${entry.action}`, { defaultValue: entry.action })}
                  </td>
                  <td data-label={t("users.ip")} className="num">
                    {entry.ip ?? "—"}
                  </td>
                  <td data-label={t("users.details")} className="admin-details">
                    {Object.entries(entry.details)
                      .map(
                        ([key, value]) =>
                          `${key}: ${typeof value === "object" ? JSON.stringify(value) : String(value)}`,
                      )
                      .join(" · ") || "—"}
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

/** The user's restriction and limits, read only: nothing here lifts or changes them. */
function ResponsibleGambling({ userId }: { userId: string }) {
  const { t } = useTranslation("admin");
  const found = useUserResponsibleGambling(userId);
  return (
    <Card title={t("users.responsibleGambling")}>
      {found.errors.map((error, index) => (
        <ErrorMessage key={index} error={error} />
      ))}
      {found.isPending ? (
        <Skeleton lines={4} />
      ) : (
        <Suspense fallback={<Skeleton lines={4} />}>
          <AdminReadout data={found.data} />
        </Suspense>
      )}
    </Card>
  );
}

/** One user: who they are, block/unblock and role, their audit trail and their wallet. */
export function Component() {
  const { t } = useTranslation("admin");
  const { userId = "" } = useParams();
  const user = useUser(userId);
  const back = (
    <p className="admin-back">
      <Link to="/admin/users">← {t("users.backToList")}</Link>
    </p>
  );
  if (user.isPending)
    return (
      <>
        {back}
        <Skeleton lines={6} />
      </>
    );
  if (!user.data)
    return (
      <>
        {back}
        <ErrorMessage error={user.error} onRetry={() => void user.refetch()} />
      </>
    );
  return (
    <>
      {back}
      <PageTitle>
        {user.data.name} <span className="admin-subtitle">{user.data.email}</span>
      </PageTitle>
      <div className="grid-2">
        <Card title={t("users.account")}>
          <UserFacts user={user.data} />
          <UserAdminActions key={`${user.data.status}-${user.data.role}`} user={user.data} />
        </Card>
        <UserWalletCard userId={userId} />
      </div>
      <ResponsibleGambling userId={userId} />
      <AuditTrail userId={userId} />
    </>
  );
}
