import { useState } from "react";
import { useTranslation } from "react-i18next";
import { Link } from "react-router";
import { Card, EmptyState, ErrorMessage, PageTitle, Skeleton } from "@/shared/ui";
import { usePartners, usePartnerStats } from "../api/partners";
import { CreatePartnerForm } from "../components/CreatePartnerForm";
import { PartnerStatsTable } from "../components/PartnerStatsTable";
import { PARTNER_EVENTS } from "../model/partners";

/** Partners (issue 23): their figures, the list, a new partner. */
export function Component() {
  const { t } = useTranslation("admin");
  const partners = usePartners();
  const stats = usePartnerStats();
  const [created, setCreated] = useState<string | null>(null);
  return (
    <>
      <PageTitle>{t("partners.title")}</PageTitle>
      <Card title={t("partners.stats")}>
        <ErrorMessage error={stats.error} onRetry={() => void stats.refetch()} />
        {stats.isPending ? <Skeleton lines={3} height="2.4rem" /> : null}
        {stats.data ? <PartnerStatsTable stats={stats.data} /> : null}
      </Card>
      <Card title={t("partners.list")}>
        <div role="status">
          {created ? (
            <p className="alert alert-success">
              {t("partners.created", { id: created })}{" "}
              <Link to={`/admin/partners/${created}`}>{t("partners.open")}</Link>
            </p>
          ) : null}
        </div>
        <ErrorMessage error={partners.error} onRetry={() => void partners.refetch()} />
        {partners.isPending ? <Skeleton lines={3} height="2.4rem" /> : null}
        {partners.data && partners.data.length === 0 ? (
          <EmptyState>{t("partners.none")}</EmptyState>
        ) : null}
        {partners.data && partners.data.length > 0 ? (
          <div className="table-wrap">
            <table className="data admin-table admin-stack">
              <thead>
                <tr>
                  <th scope="col">{t("partners.partnerId")}</th>
                  <th scope="col">{t("fields.name")}</th>
                  <th scope="col">{t("partners.urls")}</th>
                  <th scope="col">{t("fields.status")}</th>
                </tr>
              </thead>
              <tbody>
                {partners.data.map((partner) => {
                  const events = PARTNER_EVENTS.filter((event) => partner.urls[event]);
                  return (
                    <tr
                      key={partner.partner_id}
                      className={partner.active ? undefined : "admin-muted-row"}
                    >
                      <th scope="row" data-label={t("partners.partnerId")}>
                        <Link to={`/admin/partners/${partner.partner_id}`}>
                          {partner.partner_id}
                        </Link>
                      </th>
                      <td data-label={t("fields.name")}>{partner.name}</td>
                      <td data-label={t("partners.urls")}>
                        {events.length
                          ? events.map((event) => t(`partners.events.${event}`)).join(", ")
                          : t("partners.noUrls")}
                      </td>
                      <td data-label={t("fields.status")}>
                        <span className={`badge ${partner.active ? "admin-badge-ok" : ""}`}>
                          {partner.active ? t("partners.isActive") : t("partners.inactive")}
                        </span>
                      </td>
                    </tr>
                  );
                })}
              </tbody>
            </table>
          </div>
        ) : null}
      </Card>
      <CreatePartnerForm onCreated={(partner) => setCreated(partner.partner_id)} />
    </>
  );
}
