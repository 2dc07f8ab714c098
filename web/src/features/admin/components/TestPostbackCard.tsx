import { useState } from "react";
import { useTranslation } from "react-i18next";
import { Button, Card, ErrorMessage, SelectField } from "@/shared/ui";
import { useTestPostback } from "../api/partners";
import { PARTNER_EVENTS, type PartnerEvent } from "../model/partners";

/** One signed test postback to an event's template now: its status, latency, and whether it got there. */
export function TestPostbackCard({ partnerId }: { partnerId: string }) {
  const { t, i18n } = useTranslation("admin");
  const [event, setEvent] = useState<PartnerEvent>("registration");
  const test = useTestPostback(partnerId);
  const result = test.data;
  return (
    <Card title={t("partners.test")}>
      <p className="admin-note">{t("partners.testNote")}</p>
      <div className="admin-row admin-test-row">
        <SelectField
          label={t("partners.event")}
          className="admin-inline-field"
          value={event}
          onChange={(change) => {
            setEvent(change.target.value as PartnerEvent);
            test.reset();
          }}
        >
          {PARTNER_EVENTS.map((value) => (
            <option key={value} value={value}>
              {t(`partners.events.${value}`)}
            </option>
          ))}
        </SelectField>
        <Button busy={test.isPending} onClick={() => test.mutate(event)}>
          {t("partners.sendTest")}
        </Button>
      </div>
      <div role="status" className="admin-test-result">
        {result ? (
          <>
            <p className={`alert ${result.delivered ? "alert-success" : "alert-error"}`}>
              {result.delivered ? t("partners.delivered") : t("partners.notDelivered")}
            </p>
            <dl className="admin-facts">
              <div>
                <dt>{t("partners.statusCode")}</dt>
                <dd className="num">{result.status_code ?? t("partners.noAnswer")}</dd>
              </div>
              <div>
                <dt>{t("partners.latency")}</dt>
                <dd className="num">
                  {t("partners.ms", {
                    ms: new Intl.NumberFormat(i18n.language).format(result.latency_ms),
                  })}
                </dd>
              </div>
              <div>
                <dt>{t("partners.url")}</dt>
                <dd className="admin-url">{result.url}</dd>
              </div>
              {result.error ? (
                <div>
                  <dt>{t("partners.error")}</dt>
                  <dd>{result.error}</dd>
                </div>
              ) : null}
            </dl>
          </>
        ) : null}
      </div>
      <ErrorMessage error={test.error} />
    </Card>
  );
}
