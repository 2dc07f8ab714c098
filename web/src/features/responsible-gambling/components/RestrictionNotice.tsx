import { useTranslation } from "react-i18next";
import { Link } from "react-router";
import { useRestriction } from "../api/useRestriction";
import { useRgFormat } from "./words";

/**
 * For the bet slip and the deposit panel: while a time-out or self-exclusion runs, say so in
 * words before the user tries (the API would refuse with bet/wallet.account_restricted).
 * Renders nothing otherwise.
 */
export function RestrictionNotice({ about }: { about: "bets" | "deposits" }) {
  const { t } = useTranslation("responsible-gambling");
  const format = useRgFormat();
  const restriction = useRestriction();
  if (!restriction) return null;
  return (
    <div className="alert alert-info rg-notice" role="status">
      <span>
        {t(`notice.${about}`, {
          until: format.time(restriction.until),
          kind: t(`kind.${restriction.kind}`),
        })}{" "}
        <Link to="/profile/responsible-gambling">{t("notice.more")}</Link>
      </span>
    </div>
  );
}
