import { useState } from "react";
import { useTranslation } from "react-i18next";
import { betSlip, selectionName, useInSlip } from "@/features/betslip";
import { decimalText, formatOdds, oddsThousandths } from "@/shared/format/odds";
import { usePreferences } from "@/shared/preferences/preferences";
import { availability, toSelection } from "../model/odds";
import type { Odd, SportEvent } from "../model/types";

type Direction = "up" | "down" | null;

/** A padlock drawn in the text colour (emoji fonts are not everywhere). */
export function LockIcon() {
  return (
    <svg className="events-lock" viewBox="0 0 16 16" width="11" height="11" aria-hidden="true">
      <path
        fill="currentColor"
        d="M8 1a4 4 0 0 0-4 4v2H3a1 1 0 0 0-1 1v6a1 1 0 0 0 1 1h10a1 1 0 0 0 1-1V8a1 1 0 0 0-1-1h-1V5a4 4 0 0 0-4-4Zm-2.5 6V5a2.5 2.5 0 0 1 5 0v2h-5Z"
      />
    </svg>
  );
}

/**
 * One selection: its name and price in the user's format; pressing it adds it to the bet slip
 * or takes it out (aria-pressed). A price change flashes up (green ▲) or down (red ▼); the arrow
 * is the signal, the colour only repeats it. A suspended selection stays, greyed, with a lock.
 */
export function OddsButton({
  event,
  odd,
  full = false,
}: {
  event: Pick<SportEvent, "event_id" | "event_name" | "status">;
  odd: Odd;
  /** Show the selection's full name ("Over 2.5") rather than the short one ("1"). */
  full?: boolean;
}) {
  const { t } = useTranslation("events");
  const { odds_format } = usePreferences();
  const selected = useInSlip(odd.odds_id);
  const price = decimalText(odd.coefficient);
  // The direction of the last change, derived while rendering (React's "previous value" pattern).
  const [seen, setSeen] = useState<{ price: string; direction: Direction }>({
    price,
    direction: null,
  });
  if (seen.price !== price) {
    const before = oddsThousandths(seen.price) ?? 0n;
    const after = oddsThousandths(price) ?? 0n;
    setSeen({ price, direction: after > before ? "up" : after < before ? "down" : null });
  }
  const state = availability(event, odd);
  const name = selectionName(t, odd, odd.bet_type);
  const shown = formatOdds(price, odds_format);
  const direction = seen.price === price ? seen.direction : null;
  const label = [
    name,
    shown,
    direction ? t(direction === "up" ? "odds.up" : "odds.down") : "",
    state === "suspended" ? t("odds.suspended") : state === "closed" ? t("odds.closed") : "",
  ]
    .filter(Boolean)
    .join(", ");
  return (
    <button
      type="button"
      className={`events-odd${full ? " events-odd-full" : ""}${state !== "open" ? " events-odd-locked" : ""}`}
      aria-pressed={selected}
      aria-label={label}
      disabled={state !== "open" && !selected}
      onClick={() => betSlip.dispatch({ type: "toggle", selection: toSelection(event, odd) })}
    >
      <span className="events-odd-name">{name}</span>
      <span className="events-odd-price num">
        {state !== "open" ? <LockIcon /> : null}
        {/* Keyed by price: each change restarts the flash animation. */}
        <span key={price} className={direction ? `events-flash-${direction}` : undefined}>
          {shown}
        </span>
        <span aria-hidden="true" className={`events-arrow events-arrow-${direction ?? "none"}`}>
          {direction === "up" ? "▲" : direction === "down" ? "▼" : ""}
        </span>
      </span>
    </button>
  );
}
