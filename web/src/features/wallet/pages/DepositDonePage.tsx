import { useQueryClient } from "@tanstack/react-query";
import { useEffect } from "react";
import { useTranslation } from "react-i18next";
import { Link, useSearchParams } from "react-router";
import { RequireAuth } from "@/shared/session/guards";
import { Card, ErrorMessage, PageTitle, Skeleton } from "@/shared/ui";
import { useDepositStatus, walletKeys } from "../api/queries";
import { redirectedIntent } from "../components/afterConfirm";
import { declineText } from "../components/issues";
import { useMoney } from "../components/useMoney";
import "../wallet.css";

/**
 * Where Checkout (`?session_id=`) and a 3-D Secure redirect (`?payment_intent=`) come back:
 * the deposit is polled (the API re-checks Stripe) until it is credited or has failed.
 */
function DepositDone() {
  const { t } = useTranslation("wallet");
  const money = useMoney();
  const client = useQueryClient();
  const [params] = useSearchParams();
  const id = params.get("session_id") ?? params.get("payment_intent") ?? redirectedIntent();
  const status = useDepositStatus(id);
  const deposit = status.data?.deposit;
  const credited = deposit?.status === "succeeded";

  useEffect(() => {
    if (credited) void client.invalidateQueries({ queryKey: walletKeys.all });
  }, [credited, client]);

  let body;
  if (!id) body = <p className="alert alert-error">{t("done.missing")}</p>;
  else if (status.error)
    body = <ErrorMessage error={status.error} onRetry={() => void status.refetch()} />;
  else if (!deposit || deposit.status === "pending") {
    body = (
      <div role="status">
        <p>{t("done.checking")}</p>
        <Skeleton lines={1} />
      </div>
    );
  } else if (credited) {
    body = (
      <p className="alert alert-success" role="status">
        {t("done.credited", { amount: money(deposit.credited_amount ?? deposit.amount) })}
      </p>
    );
  } else {
    const text =
      deposit.status === "failed"
        ? `${t("done.failed")} ${deposit.decline_code ? declineText(t, deposit.decline_code) : ""}`
        : t("done.expired");
    body = (
      <p className="alert alert-error" role="alert">
        {text}
      </p>
    );
  }
  return (
    <>
      <PageTitle>{t("done.title")}</PageTitle>
      <Card>
        {body}
        <div className="wallet-balance-actions">
          <Link className="btn btn-primary" to="/wallet">
            {t("done.back")}
          </Link>
          {credited ? (
            <Link className="btn btn-secondary" to="/">
              {t("done.bet")}
            </Link>
          ) : null}
          {/* A package bought by card comes back here too: its units are on that page. */}
          <Link className="btn btn-secondary" to="/wallet/packages">
            {t("done.packages")}
          </Link>
        </div>
      </Card>
    </>
  );
}

export function Component() {
  return (
    <RequireAuth>
      <DepositDone />
    </RequireAuth>
  );
}
