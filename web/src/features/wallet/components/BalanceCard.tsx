import { useTranslation } from "react-i18next";
import { Link } from "react-router";
import { centsOf } from "@/shared/format/money";
import { useSession } from "@/shared/session/session";
import { ErrorMessage, Money, Skeleton } from "@/shared/ui";
import { useBalance } from "../api/queries";
import "../wallet.css";

/** The main page's balance card (seed 000): current, available, locked in bets; deposit, withdraw. */
export function BalanceCard() {
  const { user } = useSession();
  if (!user) return null;
  return <SignedInBalanceCard />;
}

function SignedInBalanceCard() {
  const { t } = useTranslation("wallet");
  const balance = useBalance();
  return (
    <section className="card wallet-balance-card" aria-labelledby="wallet-balance-title">
      <h2 id="wallet-balance-title" className="visually-hidden">
        {t("balance.title")}
      </h2>
      {balance.error ? (
        <ErrorMessage error={balance.error} onRetry={() => void balance.refetch()} />
      ) : !balance.data ? (
        <Skeleton lines={2} height="1.6rem" />
      ) : (
        <BalanceFigures balance={balance.data} />
      )}
      <div className="wallet-balance-actions">
        <Link className="btn btn-primary" to="/wallet#deposit">
          {t("balance.deposit")}
        </Link>
        <Link className="btn btn-secondary" to="/wallet#withdraw">
          {t("balance.withdraw")}
        </Link>
      </div>
    </section>
  );
}

export function BalanceFigures({
  balance,
}: {
  balance: {
    currency: string;
    current_balance: string;
    available_balance: string;
    locked_in_bets: string;
    debt?: string;
  };
}) {
  const { t } = useTranslation("wallet");
  const debt = centsOf(balance.debt ?? "0");
  return (
    <dl className="wallet-figures">
      <div className="wallet-figure wallet-figure-main">
        <dt>{t("balance.current")}</dt>
        <dd>
          <Money amount={balance.current_balance} currency={balance.currency} />
        </dd>
      </div>
      <div className="wallet-figure">
        <dt>{t("balance.available")}</dt>
        <dd>
          <Money amount={balance.available_balance} currency={balance.currency} />
        </dd>
      </div>
      <div className="wallet-figure">
        <dt>{t("balance.locked")}</dt>
        <dd>
          <Money amount={balance.locked_in_bets} currency={balance.currency} />
        </dd>
      </div>
      {debt > 0 ? (
        <div className="wallet-figure wallet-figure-debt">
          <dt>{t("balance.debt")}</dt>
          <dd>
            <Money cents={debt} currency={balance.currency} />
          </dd>
        </div>
      ) : null}
    </dl>
  );
}
