import { useQuery, useQueryClient } from "@tanstack/react-query";
import { useEffect } from "react";
import { useTranslation } from "react-i18next";
import { subscribeBetNotices } from "@/features/live";
import { api, unwrap } from "@/shared/api/client";
import { formatOdds } from "@/shared/format/odds";
import { usePreferences } from "@/shared/preferences/preferences";
import { centsOf } from "@/shared/format/money";
import { Money } from "@/shared/ui";
import type { PlacedBet } from "../api/place";

/** The status of a bet after placing; a pending one is followed until it is open or rejected. */
function useBetStatus(placed: PlacedBet): PlacedBet {
  const client = useQueryClient();
  const key = ["bets", "slip-receipt", placed.bet_id];
  const pending = placed.status === "pending";
  const query = useQuery({
    queryKey: key,
    // A long poll: the bets service answers as soon as the bet is decided (or after 5 s).
    queryFn: async () =>
      (
        (await unwrap(
          api.GET("/api/bets/{bet_id}", {
            params: { path: { bet_id: placed.bet_id }, query: { wait_s: 5 } },
          }),
        )) as { bet: PlacedBet }
      ).bet,
    enabled: pending,
    initialData: placed,
    staleTime: 0,
    refetchInterval: (q) => (q.state.data?.status === "pending" ? 1000 : false),
  });
  useEffect(() => {
    if (!pending) return;
    // The stream usually tells first: re-read at once when it does.
    return subscribeBetNotices((notice) => {
      if (notice.bet_id === placed.bet_id) void client.invalidateQueries({ queryKey: key });
    });
    // eslint-disable-next-line react-hooks/exhaustive-deps -- key is derived from the bet id
  }, [client, pending, placed.bet_id]);
  return query.data;
}

export function Receipt({ placed }: { placed: PlacedBet }) {
  const { t } = useTranslation("betslip");
  const { odds_format } = usePreferences();
  const bet = useBetStatus(placed);
  const reason = bet.reason
    ? t(bet.reason, { ns: "errors", keySeparator: false, defaultValue: t("rejectedGeneric") })
    : null;
  const tone =
    bet.status === "rejected"
      ? "alert-error"
      : bet.status === "pending"
        ? "alert-info"
        : "alert-success";
  return (
    <li className={`alert ${tone} betslip-receipt`} aria-live="polite">
      <div>
        <strong>{t(`receipt.${bet.status}`, { defaultValue: bet.status })}</strong>
        {bet.status === "pending" ? <span className="spinner" aria-hidden="true" /> : null}
        <div className="betslip-receipt-line">
          {t(bet.bet_type === "coupon" ? "coupon" : "single")} ·{" "}
          <span className="num">{formatOdds(String(bet.coefficient), odds_format)}</span> ·{" "}
          <Money amount={bet.bet_amount} />
          {bet.free_bet ? (
            <>
              {" "}
              <span className="badge betslip-freebet-badge">{t("freeBet.badge")}</span>
            </>
          ) : null}
        </div>
        {bet.status !== "rejected" ? (
          <div className="betslip-receipt-line">
            {bet.free_bet ? (
              <>
                {t("freeBet.winnings")}:{" "}
                <Money cents={centsOf(bet.potential_win) - centsOf(bet.bet_amount)} />
              </>
            ) : (
              <>
                {t("potentialWin")}: <Money amount={bet.potential_win} />
              </>
            )}
          </div>
        ) : null}
        {reason ? <div>{reason}</div> : null}
        <div className="betslip-receipt-id muted">
          {t("receipt.id")}: <code>{bet.bet_id}</code>
        </div>
      </div>
    </li>
  );
}
