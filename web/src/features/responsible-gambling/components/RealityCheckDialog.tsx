import { useTranslation } from "react-i18next";
import { Link } from "react-router";
import type { RealityCheck } from "@/features/live";
import { formatMoney } from "@/shared/format/money";
import { Dialog } from "@/shared/ui";
import { playedTime } from "../model/realityCheck";

/**
 * A reality check from the live stream: how long this session has lasted and its money, in a
 * modal the user has to answer. Continue (or Escape) closes it; "Take a break" goes to the
 * responsible gambling page; the bet history is a link.
 */
export function RealityCheckDialog({
  check,
  onClose,
}: {
  check: RealityCheck;
  onClose: () => void;
}) {
  const { t, i18n } = useTranslation("responsible-gambling");
  const currency = check.currency ?? undefined;
  const money = (cents: number) => formatMoney(cents, i18n.language, currency);
  const { hours, minutes } = playedTime(check.played_s);
  const duration = hours
    ? t("realityCheck.dialog.hoursMinutes", { hours, minutes })
    : t("realityCheck.dialog.minutesOnly", { minutes });
  const net = check.net_minor > 0 ? `+${money(check.net_minor)}` : money(check.net_minor);
  return (
    <Dialog
      title={t("realityCheck.dialog.title")}
      onClose={onClose}
      description={
        <>
          <p>{t("realityCheck.dialog.played", { duration })}</p>
          <p className="num">
            {t("realityCheck.dialog.money", {
              staked: money(check.stakes_minor),
              returned: money(check.returns_minor),
              net,
            })}
          </p>
          <p className="muted">
            {t("realityCheck.dialog.bets", {
              placed: check.bets_placed,
              settled: check.bets_settled,
            })}
          </p>
        </>
      }
    >
      <p>
        <Link to="/bets" onClick={onClose}>
          {t("realityCheck.dialog.history")}
        </Link>
      </p>
      <div className="dialog-actions">
        <button type="button" className="btn btn-primary" data-autofocus onClick={onClose}>
          {t("realityCheck.dialog.continue")}
        </button>
        <Link className="btn btn-secondary" to="/profile/responsible-gambling" onClick={onClose}>
          {t("realityCheck.dialog.takeBreak")}
        </Link>
      </div>
    </Dialog>
  );
}
