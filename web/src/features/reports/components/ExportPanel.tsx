/** Export (seed 000's [Скачать CSV] [Скачать PDF]): shown on My bets and on the wallet page. */
import { useTranslation } from "react-i18next";
import { Card } from "@/shared/ui";
import { ExportForm } from "./ExportForm";
import { ReportList } from "./ReportList";
import "../reports.css";

export function ExportPanel() {
  const { t } = useTranslation("reports");
  return (
    <Card title={t("title")} className="reports-panel">
      <p className="muted reports-intro">{t("intro")}</p>
      <div className="reports-grid">
        <ExportForm />
        <section aria-labelledby="reports-list-title">
          <h3 id="reports-list-title" className="reports-list-title">
            {t("listTitle")}
          </h3>
          <ReportList />
        </section>
      </div>
    </Card>
  );
}
