/** /bets — the user's bet history (seed 000's "Мои ставки") and the export of reports. */
import { useTranslation } from "react-i18next";
import { ExportPanel } from "@/features/reports";
import { RequireAuth } from "@/shared/session/guards";
import { Card, PageTitle } from "@/shared/ui";
import { BetHistory } from "../components/BetHistory";
import { BetsNav } from "../components/BetsNav";
import "../bets.css";

export function Component() {
  const { t } = useTranslation("bets");
  return (
    <RequireAuth>
      <PageTitle>{t("title")}</PageTitle>
      <BetsNav />
      <Card className="bets-history">
        <BetHistory />
      </Card>
      <ExportPanel />
    </RequireAuth>
  );
}
