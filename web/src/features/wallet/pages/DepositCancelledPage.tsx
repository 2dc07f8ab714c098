import { useTranslation } from "react-i18next";
import { Link } from "react-router";
import { RequireAuth } from "@/shared/session/guards";
import { Card, PageTitle } from "@/shared/ui";

/** Checkout's cancel URL: the payer left Stripe's page; nothing was charged. */
export function Component() {
  const { t } = useTranslation("wallet");
  return (
    <RequireAuth>
      <PageTitle>{t("cancelled.title")}</PageTitle>
      <Card>
        <p>{t("cancelled.text")}</p>
        <Link className="btn btn-primary" to="/wallet#deposit">
          {t("cancelled.back")}
        </Link>
      </Card>
    </RequireAuth>
  );
}
