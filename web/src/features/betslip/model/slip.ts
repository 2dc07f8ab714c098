/**
 * The bet slip's state and its rules, pure (unit-tested without React): singles (one stake per
 * selection) or a coupon (2–15 legs, one per event: a second pick of the same event replaces the
 * first, with a note). Prices are kept as the decimal text the user saw and took.
 */
export type SlipMode = "singles" | "coupon";
export type OddsPolicy = "none" | "higher" | "any";

export const MAX_SELECTIONS = 15;
export const MIN_COUPON_LEGS = 2;

export interface SlipSelection {
  event_id: string;
  odds_id: string;
  event_name: string;
  market_type: string;
  /** The API's own market label ("Total 2.5"), used when the type is not one we translate. */
  market: string;
  line: number | null;
  bet_type: string;
  /** The decimal price shown and taken ("1.85"); sent as expected_coefficient. */
  price: string;
}

export type SlipNote =
  | { kind: "replaced"; event_name: string }
  | { kind: "full" }
  | { kind: "price"; event_name: string; from: string; to: string };

export interface SlipState {
  selections: SlipSelection[];
  mode: SlipMode;
  /** Stake text per odds_id (singles), as typed. */
  stakes: Record<string, string>;
  couponStake: string;
  policy: OddsPolicy;
  note: SlipNote | null;
  /** The free bet's stake ("5.00") while the user stakes a free bet, else null. */
  freeBet: string | null;
}

export type SlipAction =
  | { type: "toggle"; selection: SlipSelection }
  | { type: "remove"; odds_id: string }
  | { type: "clear" }
  | { type: "mode"; mode: SlipMode }
  | { type: "stake"; odds_id: string; value: string }
  | { type: "couponStake"; value: string }
  | { type: "policy"; policy: OddsPolicy }
  | { type: "price"; odds_id: string; price: string }
  | { type: "freeBet"; stake: string | null }
  | { type: "dismissNote" };

export const emptySlip: SlipState = {
  selections: [],
  mode: "singles",
  stakes: {},
  couponStake: "",
  policy: "none",
  note: null,
  freeBet: null,
};

/** One selection per event, the latest pick winning; the note names the event replaced. */
function onePerEvent(selections: SlipSelection[]): {
  kept: SlipSelection[];
  replaced: SlipSelection | null;
} {
  const byEvent = new Map<string, SlipSelection>();
  let replaced: SlipSelection | null = null;
  for (const selection of selections) {
    const previous = byEvent.get(selection.event_id);
    if (previous) {
      replaced = previous;
      byEvent.delete(selection.event_id); // re-inserted last: keeps pick order
    }
    byEvent.set(selection.event_id, selection);
  }
  return { kept: [...byEvent.values()], replaced };
}

function withoutStakes(stakes: Record<string, string>, keep: SlipSelection[]) {
  const ids = new Set(keep.map((s) => s.odds_id));
  return Object.fromEntries(Object.entries(stakes).filter(([id]) => ids.has(id)));
}

function toggle(state: SlipState, selection: SlipSelection): SlipState {
  if (state.selections.some((s) => s.odds_id === selection.odds_id)) {
    const selections = state.selections.filter((s) => s.odds_id !== selection.odds_id);
    return { ...state, selections, stakes: withoutStakes(state.stakes, selections), note: null };
  }
  const added = [...state.selections, selection];
  const { kept, replaced } =
    state.mode === "coupon" ? onePerEvent(added) : { kept: added, replaced: null };
  if (kept.length > MAX_SELECTIONS) return { ...state, note: { kind: "full" } };
  return {
    ...state,
    selections: kept,
    stakes: withoutStakes(state.stakes, kept),
    note: replaced ? { kind: "replaced", event_name: replaced.event_name } : null,
  };
}

export function slipReducer(state: SlipState, action: SlipAction): SlipState {
  switch (action.type) {
    case "toggle":
      return toggle(state, action.selection);
    case "remove": {
      const selections = state.selections.filter((s) => s.odds_id !== action.odds_id);
      return { ...state, selections, stakes: withoutStakes(state.stakes, selections), note: null };
    }
    case "clear":
      return { ...emptySlip, mode: state.mode, policy: state.policy };
    case "mode": {
      if (action.mode === "singles") return { ...state, mode: "singles", note: null };
      const { kept, replaced } = onePerEvent(state.selections);
      return {
        ...state,
        mode: "coupon",
        selections: kept,
        stakes: withoutStakes(state.stakes, kept),
        note: replaced ? { kind: "replaced", event_name: replaced.event_name } : null,
      };
    }
    case "stake":
      return { ...state, stakes: { ...state.stakes, [action.odds_id]: action.value } };
    case "couponStake":
      return { ...state, couponStake: action.value };
    case "policy":
      return { ...state, policy: action.policy };
    case "price": {
      const leg = state.selections.find((s) => s.odds_id === action.odds_id);
      if (!leg || leg.price === action.price) return state;
      return {
        ...state,
        selections: state.selections.map((s) =>
          s.odds_id === action.odds_id ? { ...s, price: action.price } : s,
        ),
        note: { kind: "price", event_name: leg.event_name, from: leg.price, to: action.price },
      };
    }
    case "freeBet":
      return { ...state, freeBet: action.stake };
    case "dismissNote":
      return { ...state, note: null };
  }
}

/** Whether the coupon can be placed as far as its legs go (2–15, one per event). */
export function couponReady(state: SlipState): boolean {
  const events = new Set(state.selections.map((s) => s.event_id));
  return (
    state.selections.length >= MIN_COUPON_LEGS &&
    state.selections.length <= MAX_SELECTIONS &&
    events.size === state.selections.length
  );
}

/** Stored JSON made into a valid slip (anything unreadable is an empty slip). */
export function restoreSlip(raw: unknown): SlipState {
  if (!raw || typeof raw !== "object") return emptySlip;
  const value = raw as Partial<SlipState>;
  const selections = Array.isArray(value.selections)
    ? value.selections.filter(
        (s): s is SlipSelection =>
          !!s && typeof s.odds_id === "string" && typeof s.price === "string",
      )
    : [];
  return {
    selections: selections.slice(0, MAX_SELECTIONS),
    mode: value.mode === "coupon" ? "coupon" : "singles",
    stakes: value.stakes && typeof value.stakes === "object" ? value.stakes : {},
    couponStake: typeof value.couponStake === "string" ? value.couponStake : "",
    policy: value.policy === "higher" || value.policy === "any" ? value.policy : "none",
    note: null,
    freeBet: typeof value.freeBet === "string" ? value.freeBet : null,
  };
}
