/**
 * The slip as an external store kept in localStorage, so the selections survive page changes
 * and reloads (and another tab's changes arrive through the storage event).
 */
import { useSyncExternalStore } from "react";
import { emptySlip, restoreSlip, slipReducer, type SlipAction, type SlipState } from "./slip";

const KEY = "looseline.betslip";

function load(): SlipState {
  try {
    return restoreSlip(JSON.parse(localStorage.getItem(KEY) ?? "null"));
  } catch {
    return emptySlip;
  }
}

let state: SlipState = load();
const listeners = new Set<() => void>();

function emit(next: SlipState): void {
  state = next;
  listeners.forEach((listener) => listener());
}

export const betSlip = {
  get: (): SlipState => state,
  subscribe(listener: () => void): () => void {
    listeners.add(listener);
    return () => listeners.delete(listener);
  },
  dispatch(action: SlipAction): void {
    const next = slipReducer(state, action);
    if (next === state) return;
    try {
      localStorage.setItem(KEY, JSON.stringify({ ...next, note: null }));
    } catch {
      // Storage full or disabled: the slip still works for this page's life.
    }
    emit(next);
  },
  /** Tests and sign-out start from an empty slip. */
  reset(next: SlipState = emptySlip): void {
    emit(next);
  },
};

if (typeof window !== "undefined") {
  window.addEventListener("storage", (event) => {
    if (event.key === KEY) emit(load());
  });
}

export function useBetSlip(): SlipState {
  return useSyncExternalStore(betSlip.subscribe, betSlip.get, betSlip.get);
}

/** Whether one selection is in the slip (for the odds buttons' pressed state). */
export function useInSlip(oddsId: string): boolean {
  return useSyncExternalStore(
    betSlip.subscribe,
    () => state.selections.some((s) => s.odds_id === oddsId),
    () => false,
  );
}
