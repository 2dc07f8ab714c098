import { useTranslation } from "react-i18next";
import { Link } from "react-router";
import { isApiError } from "@/shared/api/errors";
import { ErrorMessage } from "@/shared/ui";

const TOO_LITTLE = new Set(["billing.insufficient_funds", "package.insufficient_funds"]);

/**
 * What the last action did: a success in words (announced), or the API's refusal in words with,
 * for too little money, the way to top up.
 */
export function Outcome({ done, error }: { done: string | null; error: unknown }) {
  const { t } = useTranslation("billing");
  if (error) {
    return (
      <div className="billing-outcome">
        <ErrorMessage error={error} />
        {isApiError(error) && TOO_LITTLE.has(error.code) ? (
          <Link className="btn btn-primary" to="/wallet#deposit">
            {t("actions.topUp")}
          </Link>
        ) : null}
      </div>
    );
  }
  return (
    <div role="status" className="billing-outcome">
      {done ? <p className="alert alert-success">{done}</p> : null}
    </div>
  );
}
