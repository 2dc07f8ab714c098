/**
 * The user's own bet notifications from the stream, for whoever waits on a bet (the bet slip's
 * receipt turns "pending acceptance" into open or rejected when its bet is decided).
 */
export interface BetNotice {
  type: "BetPlaced" | "BetRejected" | "BetSettled" | "BetResettled";
  bet_id: string;
  reason?: string;
}

type Listener = (notice: BetNotice) => void;
const listeners = new Set<Listener>();

export function subscribeBetNotices(listener: Listener): () => void {
  listeners.add(listener);
  return () => {
    listeners.delete(listener);
  };
}

export function publishBetNotice(notice: BetNotice): void {
  listeners.forEach((listener) => listener(notice));
}
