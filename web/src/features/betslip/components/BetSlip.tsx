import { useId, useState } from "react";
import { useTranslation } from "react-i18next";
import { Link } from "react-router";
import { useFreeBets } from "@/features/billing";
import { RestrictionNotice, useRestriction } from "@/features/responsible-gambling";
import { isApiError, type ApiError } from "@/shared/api/errors";
import { centsOf, formatMoney, type Cents } from "@/shared/format/money";
import { decimalText, formatOdds } from "@/shared/format/odds";
import { usePreferences } from "@/shared/preferences/preferences";
import { useSession } from "@/shared/session/session";
import { Button, EmptyState, Money, SelectField, TextField, errorText } from "@/shared/ui";
import { usePlaceBets, type PlacedBet, type PlacementRequest } from "../api/place";
import { chosenFreeBet, freeBetWinningsCents, unitsNeeded } from "../model/freeBet";
import { couponOdds, potentialWinCents } from "../model/payout";
import { couponReady, type OddsPolicy, type SlipSelection } from "../model/slip";
import { checkStake, DEFAULT_LIMITS, type StakeLimits, type StakeProblem } from "../model/stake";
import { betSlip, useBetSlip } from "../model/store";
import { FreeBetPicker } from "./FreeBetPicker";
import { OddsChangePrompt, type PriceMove } from "./OddsChangePrompt";
import { Receipt } from "./Receipt";
import { SlipLeg } from "./SlipLeg";
import "../betslip.css";

const COUPON = "coupon";
const STAKE_CODES = new Set([
  "bet.stake_below_minimum",
  "bet.stake_above_maximum",
  "bet.payout_above_maximum",
  "wallet.insufficient_funds",
  "wallet.free_bet_unavailable",
]);

/** The server's own limit in a refusal (details.min_stake …) replaces the default. */
function limitsFrom(error: ApiError, limits: StakeLimits): StakeLimits {
  const details = (error.details ?? {}) as Record<string, unknown>;
  const read = (key: string) => (typeof details[key] === "string" ? centsOf(details[key]) : null);
  return {
    minStake: read("min_stake") ?? limits.minStake,
    maxStake: read("max_stake") ?? limits.maxStake,
    maxPayout: read("max_payout") ?? limits.maxPayout,
  };
}

/** Which slip line an error belongs to: a selection (odds_id) or the coupon's stake. */
function errorTarget(request: PlacementRequest, error: ApiError): string {
  if (request.kind === "single") return request.selection.odds_id;
  if (STAKE_CODES.has(error.code) || error.code === "validation_error") return COUPON;
  const details = (error.details ?? {}) as { odds_id?: string; event_id?: string };
  const leg = request.legs.find(
    (l) => l.odds_id === details.odds_id || (!details.odds_id && l.event_id === details.event_id),
  );
  return leg?.odds_id ?? COUPON;
}

export function BetSlip() {
  const { t, i18n } = useTranslation("betslip");
  const { user } = useSession();
  const slip = useBetSlip();
  const place = usePlaceBets();
  const bodyId = useId();
  const [open, setOpen] = useState(false);
  const [checked, setChecked] = useState(false);
  const [limits, setLimits] = useState(DEFAULT_LIMITS);
  const [errors, setErrors] = useState<Record<string, ApiError>>({});
  const [receipts, setReceipts] = useState<PlacedBet[]>([]);
  const [move, setMove] = useState<PriceMove | null>(null);
  const freeBets = useFreeBets({ enabled: !!user });
  // A time-out or self-exclusion: said up front, and the place button is off (the API refuses).
  const restricted = useRestriction() !== null;

  const coupon = slip.mode === "coupon";
  const prices = slip.selections.map((s) => s.price);
  // A free bet no longer held (used up, expired, signed out) is simply off.
  const freeBet = user ? chosenFreeBet(freeBets.choices, slip.freeBet) : null;
  const needed = unitsNeeded(slip.mode, slip.selections.length);
  const check = (text: string, legs: readonly string[]) =>
    checkStake(text, limits, (cents) => potentialWinCents(cents, legs));
  // What a stake would bring: the whole payout, or a free bet's winnings only.
  const winOf = (cents: Cents, legs: readonly string[]) =>
    freeBet ? freeBetWinningsCents(cents, legs) : potentialWinCents(cents, legs);
  const problemText = (problem: StakeProblem | null): string | undefined =>
    problem && (checked || problem !== "required")
      ? t(`stakeProblem.${problem}`, {
          min: formatMoney(limits.minStake, i18n.language),
          max: formatMoney(limits.maxStake, i18n.language),
          payout: formatMoney(limits.maxPayout, i18n.language),
        })
      : undefined;
  const serverError = (key: string) => {
    const error = errors[key];
    // The prompt already says it, with the new price and a way to take it.
    if (!error || (move?.odds_id === key && error.code === "bet.odds_changed")) return null;
    return errorText(t, error);
  };

  const singles = slip.selections.map((selection) => {
    const result = check(freeBet?.stake ?? slip.stakes[selection.odds_id] ?? "", [selection.price]);
    return {
      selection,
      result,
      win: result.cents ? winOf(result.cents, [selection.price]) : null,
    };
  });
  const couponCheck = check(freeBet?.stake ?? slip.couponStake, prices);
  const totalStake: Cents = coupon
    ? (couponCheck.cents ?? 0)
    : singles.reduce((sum, s) => sum + (s.result.cents ?? 0), 0);
  const totalWin: Cents = coupon
    ? couponCheck.cents
      ? winOf(couponCheck.cents, prices)
      : 0
    : singles.reduce((sum, s) => sum + (s.win ?? 0), 0);

  const requests = (): PlacementRequest[] | null => {
    const policy = slip.policy;
    // Not enough units of the stake chosen: the picker says so, nothing is sent.
    if (freeBet && freeBet.units < needed) return null;
    const free = freeBet ? { freeBet: true } : {};
    if (coupon) {
      if (!couponReady(slip) || couponCheck.cents === null) return null;
      return [{ kind: "coupon", legs: slip.selections, stake: couponCheck.cents, policy, ...free }];
    }
    if (singles.some((s) => s.result.cents === null)) return null;
    return singles.map((s) => ({
      kind: "single" as const,
      selection: s.selection,
      stake: s.result.cents ?? 0,
      policy,
      ...free,
    }));
  };

  const submit = async () => {
    setChecked(true);
    const planned = requests();
    if (!planned || planned.length === 0 || place.isPending) return;
    setErrors({});
    setMove(null);
    const outcomes = await place.mutateAsync(planned);
    const nextErrors: Record<string, ApiError> = {};
    const placed: PlacedBet[] = [];
    let nextLimits = limits;
    let moved: PriceMove | null = null;
    for (const outcome of outcomes) {
      if (outcome.bet) placed.push(outcome.bet);
      if (outcome.bet && outcome.bet.status !== "rejected") {
        const legs =
          outcome.request.kind === "single" ? [outcome.request.selection] : outcome.request.legs;
        legs.forEach((leg) => betSlip.dispatch({ type: "remove", odds_id: leg.odds_id }));
        continue;
      }
      const error = outcome.error;
      if (!error) continue;
      nextErrors[errorTarget(outcome.request, error)] = error;
      nextLimits = limitsFrom(error, nextLimits);
      const details = (error.details ?? {}) as { odds_id?: string; current_coefficient?: string };
      if (
        error.code === "bet.odds_changed" &&
        details.odds_id &&
        details.current_coefficient &&
        !moved
      ) {
        const leg = slip.selections.find((s) => s.odds_id === details.odds_id);
        if (leg)
          moved = {
            odds_id: leg.odds_id,
            event_name: leg.event_name,
            from: leg.price,
            to: decimalText(details.current_coefficient),
          };
      }
    }
    if (placed.some((bet) => bet.status !== "rejected") && coupon)
      betSlip.dispatch({ type: "couponStake", value: "" });
    // A free bet is used once: the next bet is staked with money unless the user picks again.
    if (freeBet && placed.some((bet) => bet.status !== "rejected"))
      betSlip.dispatch({ type: "freeBet", stake: null });
    setErrors(nextErrors);
    setLimits(nextLimits);
    setMove(moved);
    setReceipts((previous) => [...placed, ...previous].slice(0, 5));
    if (placed.length) setChecked(false);
  };

  const acceptMove = () => {
    if (!move) return;
    betSlip.dispatch({ type: "price", odds_id: move.odds_id, price: move.to });
    betSlip.dispatch({ type: "dismissNote" });
    const odds = move.odds_id;
    setErrors((previous) =>
      Object.fromEntries(Object.entries(previous).filter(([k]) => k !== odds)),
    );
    setMove(null);
  };

  const count = slip.selections.length;
  const note = slip.note;
  return (
    <section className="betslip" aria-labelledby={`${bodyId}-title`}>
      <button
        type="button"
        className="betslip-bar"
        aria-expanded={open}
        aria-controls={bodyId}
        onClick={() => setOpen((o) => !o)}
      >
        <span>
          {t("title")} <span className="badge num">{count}</span>
        </span>
        <span className="num">
          {freeBet && count
            ? t("freeBet.badge")
            : totalStake
              ? formatMoney(totalStake, i18n.language)
              : ""}
          <span aria-hidden="true"> {open ? "▾" : "▴"}</span>
        </span>
      </button>
      <div id={bodyId} className={`card betslip-body${open ? " open" : ""}`}>
        <header className="betslip-head">
          <h2 id={`${bodyId}-title`} className="card-title">
            {t("title")} <span className="badge num">{count}</span>
          </h2>
          {count ? (
            <Button variant="ghost" onClick={() => betSlip.dispatch({ type: "clear" })}>
              {t("clear")}
            </Button>
          ) : null}
        </header>
        <div className="betslip-modes" role="group" aria-label={t("betType")}>
          {(["singles", "coupon"] as const).map((mode) => (
            <button
              key={mode}
              type="button"
              className="betslip-mode"
              aria-pressed={slip.mode === mode}
              onClick={() => betSlip.dispatch({ type: "mode", mode })}
            >
              {t(mode === "singles" ? "singles" : "coupon")}
            </button>
          ))}
        </div>
        {user ? <RestrictionNotice about="bets" /> : null}
        {note ? (
          <div className="alert alert-info" role="status">
            <span>
              {note.kind === "replaced"
                ? t("note.replaced", { event: note.event_name })
                : note.kind === "full"
                  ? t("note.full", { max: 15 })
                  : t("note.price", { event: note.event_name, from: note.from, to: note.to })}
            </span>
            <Button
              variant="ghost"
              aria-label={t("dismiss")}
              onClick={() => betSlip.dispatch({ type: "dismissNote" })}
            >
              <span aria-hidden="true">×</span>
            </Button>
          </div>
        ) : null}
        {move ? (
          <OddsChangePrompt move={move} onAccept={acceptMove} onDismiss={() => setMove(null)} />
        ) : null}
        {count === 0 ? <EmptyState>{t("empty")}</EmptyState> : null}
        <ul className="betslip-legs">
          {coupon
            ? slip.selections.map((s) => (
                <SlipLeg key={s.odds_id} selection={s} error={serverError(s.odds_id)} />
              ))
            : singles.map(({ selection, result, win }) => (
                <SlipLeg
                  key={selection.odds_id}
                  selection={selection}
                  stake={freeBet?.stake ?? slip.stakes[selection.odds_id] ?? ""}
                  freeBet={!!freeBet}
                  stakeError={problemText(result.problem)}
                  potentialWin={win}
                  error={serverError(selection.odds_id)}
                />
              ))}
        </ul>
        {count > 0 && coupon ? (
          <CouponStake
            legs={slip.selections}
            stake={freeBet?.stake ?? slip.couponStake}
            freeBet={!!freeBet}
            stakeError={problemText(couponCheck.problem) ?? serverError(COUPON) ?? undefined}
          />
        ) : null}
        {count > 0 && user ? (
          <FreeBetPicker choices={freeBets.choices} chosen={freeBet} needed={needed} />
        ) : null}
        {count > 0 ? (
          <>
            <SelectField
              label={t("policy.label")}
              value={slip.policy}
              onChange={(e) =>
                betSlip.dispatch({ type: "policy", policy: e.target.value as OddsPolicy })
              }
            >
              <option value="none">{t("policy.none")}</option>
              <option value="higher">{t("policy.higher")}</option>
              <option value="any">{t("policy.any")}</option>
            </SelectField>
            <p className="field-hint">
              {t("limits", {
                min: formatMoney(limits.minStake, i18n.language),
                max: formatMoney(limits.maxStake, i18n.language),
                payout: formatMoney(limits.maxPayout, i18n.language),
              })}
            </p>
            <dl className="betslip-totals">
              <dt>{t("totalStake")}</dt>
              <dd>
                {freeBet ? (
                  <span className="badge betslip-freebet-badge">{t("freeBet.badge")}</span>
                ) : null}{" "}
                <Money cents={totalStake} />
              </dd>
              <dt>{t(freeBet ? "freeBet.winnings" : "potentialWin")}</dt>
              <dd className="betslip-total-win">
                <Money cents={totalWin} />
              </dd>
            </dl>
            {freeBet ? <p className="field-hint">{t("freeBet.winningsNote")}</p> : null}
            {coupon && count < 2 ? <p className="field-hint">{t("couponNeedsTwo")}</p> : null}
            {user ? (
              <Button
                className="betslip-place"
                busy={place.isPending}
                disabled={restricted}
                onClick={() => void submit()}
              >
                {place.isPending ? t("placing") : t(coupon ? "placeCoupon" : "place", { count })}
              </Button>
            ) : (
              <Link className="btn btn-primary betslip-place" to="/sign-in">
                {t("signInToBet")}
              </Link>
            )}
            {errors[COUPON] && !coupon ? (
              <div className="field-error" role="alert">
                {serverError(COUPON)}
              </div>
            ) : null}
            {place.error ? (
              <div className="field-error">
                {isApiError(place.error) ? errorText(t, place.error) : t("rejectedGeneric")}
              </div>
            ) : null}
          </>
        ) : null}
        {receipts.length ? (
          <section aria-label={t("receipt.title")}>
            <h3 className="betslip-receipts-title">{t("receipt.title")}</h3>
            <ul className="betslip-receipts">
              {receipts.map((bet) => (
                <Receipt key={bet.bet_id} placed={bet} />
              ))}
            </ul>
          </section>
        ) : null}
      </div>
    </section>
  );
}

function CouponStake({
  legs,
  stake,
  freeBet,
  stakeError,
}: {
  legs: SlipSelection[];
  stake: string;
  /** The stake is a free bet's: shown, not typed. */
  freeBet: boolean;
  stakeError: string | undefined;
}) {
  const { t } = useTranslation("betslip");
  const { odds_format } = usePreferences();
  return (
    <div className="betslip-coupon">
      <div className="betslip-coupon-odds">
        <span className="muted">{t("totalOdds")}</span>
        <span className="num">{formatOdds(couponOdds(legs.map((l) => l.price)), odds_format)}</span>
      </div>
      <TextField
        label={t("couponStake")}
        inputMode="decimal"
        autoComplete="off"
        value={stake}
        readOnly={freeBet}
        hint={freeBet ? t("freeBet.stakeFixed") : undefined}
        error={stakeError}
        onChange={(e) => betSlip.dispatch({ type: "couponStake", value: e.target.value })}
      />
    </div>
  );
}
