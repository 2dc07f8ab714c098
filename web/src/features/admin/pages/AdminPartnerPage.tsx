import { useTranslation } from "react-i18next";
import { Link, useParams } from "react-router";
import { formatDateTime } from "@/shared/format/money";
import { Button, Card, EmptyState, ErrorMessage, Money, PageTitle, Skeleton } from "@/shared/ui";
import {
  useInboundPostbacks,
  useOutboundPostbacks,
  usePartner,
  usePartnerUsers,
  type OutboundPostback,
} from "../api/partners";
import { EditPartnerForm, RotateSecretForm } from "../components/EditPartnerForm";
import { TestPostbackCard } from "../components/TestPostbackCard";

const TONE: Record<string, string> = {
  delivered: "admin-badge-ok",
  accepted: "admin-badge-ok",
  pending: "admin-badge-warn",
  failed: "badge-lost",
  rejected: "badge-lost",
};

function useTime() {
  const { i18n } = useTranslation();
  return (value: string | null | undefined) => (value ? formatDateTime(value, i18n.language) : "—");
}

function Sums({ sums }: { sums: Record<string, string> }) {
  const entries = Object.entries(sums);
  if (entries.length === 0) return <>—</>;
  return (
    <span className="admin-sums">
      {entries.map(([currency, amount]) => (
        <Money key={currency} amount={amount} currency={currency} />
      ))}
    </span>
  );
}

function UsersCard({ partnerId }: { partnerId: string }) {
  const { t } = useTranslation("admin");
  const time = useTime();
  const users = usePartnerUsers(partnerId);
  const items = users.data?.pages.flatMap((page) => page.items) ?? [];
  return (
    <Card title={t("partners.users")}>
      <ErrorMessage error={users.error} onRetry={() => void users.refetch()} />
      {users.isPending ? <Skeleton lines={3} height="2rem" /> : null}
      {users.data && items.length === 0 ? <EmptyState>{t("partners.noUsers")}</EmptyState> : null}
      {items.length > 0 ? (
        <div className="table-wrap">
          <table className="data admin-table admin-stack">
            <thead>
              <tr>
                <th scope="col">{t("fields.user")}</th>
                <th scope="col">{t("partners.clickId")}</th>
                <th scope="col">{t("partners.registered")}</th>
                <th scope="col">{t("partners.firstDeposit")}</th>
                <th scope="col" className="amount">
                  {t("partners.deposits")}
                </th>
                <th scope="col">{t("partners.theirView")}</th>
              </tr>
            </thead>
            <tbody>
              {items.map((user) => (
                <tr key={user.user_id}>
                  <th scope="row" data-label={t("fields.user")}>
                    <Link className="admin-id" to={`/admin/users/${user.user_id}`}>
                      {user.user_id.slice(0, 8)}
                    </Link>
                  </th>
                  <td data-label={t("partners.clickId")}>{user.click_id ?? "—"}</td>
                  <td data-label={t("partners.registered")} className="num">
                    {time(user.registered_at)}
                  </td>
                  <td data-label={t("partners.firstDeposit")} className="num">
                    {time(user.first_deposit_at)}
                  </td>
                  <td data-label={t("partners.deposits")} className="amount">
                    <span className="num">{user.deposits_count}</span> ·{" "}
                    <Sums sums={user.deposits_sum} />
                  </td>
                  <td data-label={t("partners.theirView")} className="num">
                    {t("partners.theirDeposits", {
                      player: user.partner_player_id ?? "—",
                      count: user.partner_deposit_count,
                      sum: user.partner_deposit_sum,
                    })}
                  </td>
                </tr>
              ))}
            </tbody>
          </table>
        </div>
      ) : null}
      {users.hasNextPage ? (
        <Button
          variant="secondary"
          busy={users.isFetchingNextPage}
          onClick={() => void users.fetchNextPage()}
        >
          {t("partners.more")}
        </Button>
      ) : null}
    </Card>
  );
}

function Attempts({ postback }: { postback: OutboundPostback }) {
  const { t } = useTranslation("admin");
  const time = useTime();
  if (postback.attempt_log.length === 0) return null;
  return (
    <ol className="admin-attempts">
      {postback.attempt_log.map((attempt) => (
        <li key={attempt.attempt} className="num">
          {t("partners.attempt", {
            n: attempt.attempt,
            time: time(attempt.at),
            result: attempt.status_code ?? attempt.error ?? "—",
            ms: attempt.latency_ms,
          })}
        </li>
      ))}
    </ol>
  );
}

function OutboundCard({ partnerId }: { partnerId: string }) {
  const { t } = useTranslation("admin");
  const time = useTime();
  const sent = useOutboundPostbacks(partnerId);
  return (
    <Card title={t("partners.outboundTitle")}>
      <ErrorMessage error={sent.error} onRetry={() => void sent.refetch()} />
      {sent.isPending ? <Skeleton lines={3} height="2rem" /> : null}
      {sent.data && sent.data.length === 0 ? (
        <EmptyState>{t("partners.noOutbound")}</EmptyState>
      ) : null}
      {sent.data && sent.data.length > 0 ? (
        <div className="table-wrap">
          <table className="data admin-table admin-stack">
            <thead>
              <tr>
                <th scope="col">{t("partners.created_at")}</th>
                <th scope="col">{t("partners.event")}</th>
                <th scope="col">{t("fields.status")}</th>
                <th scope="col" className="amount">
                  {t("fields.amount")}
                </th>
                <th scope="col">{t("partners.attempts")}</th>
              </tr>
            </thead>
            <tbody>
              {sent.data.map((postback) => (
                <tr key={postback.id}>
                  <th scope="row" data-label={t("partners.created_at")} className="num">
                    {time(postback.created_at)}
                  </th>
                  <td data-label={t("partners.event")}>
                    {t(`partners.events.${postback.event}`, { defaultValue: postback.event })}
                  </td>
                  <td data-label={t("fields.status")}>
                    <span className={`badge ${TONE[postback.status] ?? ""}`}>
                      {t(`partners.outcomes.${postback.status}`)}
                    </span>
                  </td>
                  <td data-label={t("fields.amount")} className="amount">
                    {postback.amount ? (
                      <Money amount={postback.amount} currency={postback.currency ?? undefined} />
                    ) : (
                      "—"
                    )}
                  </td>
                  <td data-label={t("partners.attempts")} className="admin-details">
                    <span className="num">{postback.attempts}</span>
                    {postback.last_error ? (
                      <div className="admin-note">{postback.last_error}</div>
                    ) : null}
                    <Attempts postback={postback} />
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

function InboundCard({ partnerId }: { partnerId: string }) {
  const { t } = useTranslation("admin");
  const time = useTime();
  const received = useInboundPostbacks(partnerId);
  return (
    <Card title={t("partners.inboundTitle")}>
      <ErrorMessage error={received.error} onRetry={() => void received.refetch()} />
      {received.isPending ? <Skeleton lines={3} height="2rem" /> : null}
      {received.data && received.data.length === 0 ? (
        <EmptyState>{t("partners.noInbound")}</EmptyState>
      ) : null}
      {received.data && received.data.length > 0 ? (
        <div className="table-wrap">
          <table className="data admin-table admin-stack">
            <thead>
              <tr>
                <th scope="col">{t("partners.received")}</th>
                <th scope="col">{t("partners.event")}</th>
                <th scope="col">{t("partners.outcome")}</th>
                <th scope="col">{t("fields.user")}</th>
              </tr>
            </thead>
            <tbody>
              {received.data.map((postback) => (
                <tr key={postback.id}>
                  <th scope="row" data-label={t("partners.received")} className="num">
                    {time(postback.received_at)}
                  </th>
                  <td data-label={t("partners.event")}>{postback.event ?? "—"}</td>
                  <td data-label={t("partners.outcome")}>
                    <span className={`badge ${TONE[postback.outcome] ?? ""}`}>
                      {t(`partners.outcomes.${postback.outcome}`)}
                    </span>
                    {postback.error_code ? (
                      <div className="admin-note">
                        {t(postback.error_code, {
                          ns: "errors",
                          keySeparator: false,
                          defaultValue: postback.error_code,
                        })}
                      </div>
                    ) : null}
                  </td>
                  <td data-label={t("fields.user")}>
                    {postback.user_id ? (
                      <Link className="admin-id" to={`/admin/users/${postback.user_id}`}>
                        {postback.user_id.slice(0, 8)}
                      </Link>
                    ) : (
                      "—"
                    )}
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

/** One partner: change it, rotate its secret, test a postback, its users and postbacks. */
export function Component() {
  const { t } = useTranslation("admin");
  const { partnerId = "" } = useParams();
  const partner = usePartner(partnerId);
  return (
    <>
      <Link className="admin-back" to="/admin/partners">
        ← {t("partners.back")}
      </Link>
      <PageTitle>{partner.data ? partner.data.name : partnerId}</PageTitle>
      <ErrorMessage error={partner.error} onRetry={() => void partner.refetch()} />
      {partner.isPending ? <Skeleton lines={6} height="2rem" /> : null}
      {partner.data ? (
        <>
          <p className="admin-subtitle">
            <code>{partner.data.partner_id}</code> ·{" "}
            {partner.data.active ? t("partners.isActive") : t("partners.inactive")}
          </p>
          <div className="admin-partner-grid">
            <EditPartnerForm key={partner.data.partner_id} partner={partner.data} />
            <div className="admin-partner-side">
              <TestPostbackCard partnerId={partnerId} />
              <RotateSecretForm partnerId={partnerId} />
            </div>
          </div>
          <UsersCard partnerId={partnerId} />
          <OutboundCard partnerId={partnerId} />
          <InboundCard partnerId={partnerId} />
        </>
      ) : null}
    </>
  );
}
