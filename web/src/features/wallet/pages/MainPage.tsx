import { useEffect } from "react";
import { useTranslation } from "react-i18next";
import { Link, useLocation } from "react-router";
import { RequireAuth } from "@/shared/session/guards";
import { ErrorMessage, PageTitle, Skeleton } from "@/shared/ui";
import { useBalance } from "../api/queries";
import { BalanceFigures } from "../components/BalanceCard";
import { DepositPanel } from "../components/DepositPanel";
import { History } from "../components/History";
import { SavedCards } from "../components/SavedCards";
import { Statements } from "../components/Statements";
import { WithdrawalMethods } from "../components/WithdrawalMethods";
import { WithdrawPanel } from "../components/WithdrawPanel";
import "../wallet.css";

/** The balance card's Deposit / Withdraw links land on their section. */
function useScrollToHash() {
  const { hash } = useLocation();
  useEffect(() => {
    if (!hash) return;
    const target = document.getElementById(hash.slice(1));
    target?.scrollIntoView({ block: "start" });
    target?.querySelector<HTMLElement>("input, button")?.focus({ preventScroll: true });
  }, [hash]);
}

function Wallet() {
  const { t } = useTranslation("wallet");
  const balance = useBalance();
  useScrollToHash();
  return (
    <>
      <PageTitle
        actions={
          <nav className="wallet-more" aria-label={t("more.label")}>
            <Link className="btn btn-secondary" to="/wallet/pro">
              {t("more.pro")}
            </Link>
            <Link className="btn btn-secondary" to="/wallet/packages">
              {t("more.packages")}
            </Link>
          </nav>
        }
      >
        {t("title")}
      </PageTitle>
      <section className="card wallet-section" aria-label={t("balance.title")}>
        {balance.error ? (
          <ErrorMessage error={balance.error} onRetry={() => void balance.refetch()} />
        ) : balance.data ? (
          <BalanceFigures balance={balance.data} />
        ) : (
          <Skeleton lines={2} height="1.6rem" />
        )}
      </section>
      <div className="wallet-columns">
        <div id="deposit" className="wallet-anchor">
          <DepositPanel />
          <SavedCards />
        </div>
        <div id="withdraw" className="wallet-anchor">
          <WithdrawPanel />
          <WithdrawalMethods />
        </div>
      </div>
      <History />
      <Statements />
    </>
  );
}

export function Component() {
  return (
    <RequireAuth>
      <Wallet />
    </RequireAuth>
  );
}
