import { useTranslation } from "react-i18next";
import { Link } from "react-router";
import { Card } from "@/shared/ui";

export function NotFound() {
  const { t } = useTranslation();
  return (
    <Card>
      <h1>{t("state.notFound")}</h1>
      <Link to="/">{t("state.backHome")}</Link>
    </Card>
  );
}
