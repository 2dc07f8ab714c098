import { useTranslation } from "react-i18next";
import { formatOdds } from "@/shared/format/odds";
import { usePreferences } from "@/shared/preferences/preferences";
import { Button, ErrorMessage, Money } from "@/shared/ui";
import { eventCalls, useEventMutation } from "../api/events";
import type { AdminMarket, SelectionLiability } from "../api/types";
import { OddsEditor } from "./OddsEditor";
import { useMarketName } from "./useMarketName";
import { StatusBadge } from "./StatusBadge";

/**
 * One market: its status with suspend/resume, and each selection's price (editable), version,
 * status and outcome, with the house's open liability on it beside the price.
 */
export function MarketCard({
  eventId,
  market,
  editable,
  liabilities,
  currency,
}: {
  eventId: string;
  market: AdminMarket;
  editable: boolean;
  liabilities: Map<string, SelectionLiability>;
  currency: string | undefined;
}) {
  const { t } = useTranslation("admin");
  const { odds_format } = usePreferences();
  const marketName = useMarketName();
  const setOdds = useEventMutation(eventId, eventCalls.setOdds);
  const selection = useEventMutation(eventId, eventCalls.selection);
  const marketAction = useEventMutation(eventId, eventCalls.market);
  const suspended = market.status === "suspended";
  const name = marketName(market);
  return (
    <section className="card admin-market" aria-label={name}>
      <header className="card-header">
        <h3 className="card-title">
          {name} <StatusBadge status={market.status} />{" "}
          {market.live_betting ? <span className="badge">{t("markets.liveBetting")}</span> : null}
        </h3>
        {editable && market.status !== "closed" ? (
          <Button
            variant="secondary"
            busy={marketAction.isPending}
            onClick={() =>
              marketAction.mutate({
                marketId: market.market_id,
                action: suspended ? "resume" : "suspend",
              })
            }
          >
            {suspended ? t("markets.resumeMarket") : t("markets.suspendMarket")}
          </Button>
        ) : null}
      </header>
      <ErrorMessage error={marketAction.error ?? setOdds.error ?? selection.error} />
      <div className="table-wrap">
        <table className="data admin-table admin-stack">
          <thead>
            <tr>
              <th scope="col">{t("markets.selection")}</th>
              <th scope="col" className="amount">
                {t("markets.price")}
              </th>
              <th scope="col">{t("fields.status")}</th>
              <th scope="col" className="amount">
                {t("markets.openBets")}
              </th>
              <th scope="col" className="amount">
                {t("markets.stakes")}
              </th>
              <th scope="col" className="amount">
                {t("markets.worstCase")}
              </th>
              {editable ? <th scope="col">{t("markets.actions")}</th> : null}
            </tr>
          </thead>
          <tbody>
            {market.odds.map((odds) => {
              const label = t(`selection.${odds.bet_type}`, { defaultValue: odds.bet_type });
              const liability = liabilities.get(odds.odds_id);
              const selectionSuspended = odds.status === "suspended";
              return (
                <tr
                  key={odds.odds_id}
                  className={
                    !odds.outcome && (selectionSuspended || suspended)
                      ? "admin-muted-row"
                      : undefined
                  }
                >
                  <th scope="row">{label}</th>
                  <td className="amount num" data-label={t("markets.price")}>
                    {formatOdds(String(odds.coefficient), odds_format)}
                    <span className="admin-version"> v{odds.version}</span>
                  </td>
                  <td data-label={t("fields.status")}>
                    {odds.outcome ? (
                      <StatusBadge status={odds.outcome} />
                    ) : (
                      <StatusBadge status={odds.status} />
                    )}
                  </td>
                  <td className="amount num" data-label={t("markets.openBets")}>
                    {liability?.open_bets ?? 0}
                  </td>
                  <td className="amount" data-label={t("markets.stakes")}>
                    <Money amount={liability?.stakes ?? "0.00"} currency={currency} />
                  </td>
                  <td className="amount" data-label={t("markets.worstCase")}>
                    <Money amount={liability?.worst_case_payout ?? "0.00"} currency={currency} />
                  </td>
                  {editable ? (
                    <td className="admin-cell-actions">
                      <div className="admin-row admin-row-tight">
                        <OddsEditor
                          key={`${odds.odds_id}-${odds.version}`}
                          label={`${name} ${label}`}
                          current={odds.coefficient}
                          busy={setOdds.isPending && setOdds.variables.oddsId === odds.odds_id}
                          onSave={(coefficient) =>
                            setOdds.mutate({ oddsId: odds.odds_id, coefficient })
                          }
                        />
                        <Button
                          variant="ghost"
                          aria-label={t(
                            selectionSuspended
                              ? "markets.resumeSelectionOf"
                              : "markets.suspendSelectionOf",
                            { selection: `${name} ${label}` },
                          )}
                          busy={selection.isPending && selection.variables.oddsId === odds.odds_id}
                          onClick={() =>
                            selection.mutate({
                              oddsId: odds.odds_id,
                              action: selectionSuspended ? "resume" : "suspend",
                            })
                          }
                        >
                          {selectionSuspended ? t("markets.resume") : t("markets.suspend")}
                        </Button>
                      </div>
                    </td>
                  ) : null}
                </tr>
              );
            })}
          </tbody>
        </table>
      </div>
    </section>
  );
}
