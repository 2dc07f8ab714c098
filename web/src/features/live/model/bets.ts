/**
 * The user's own bet notifications from the stream, for whoever waits on a bet (the bet slip's
 * receipt turns "pending acceptance" into open or rejected when its bet is decided).
 */
import { channel } from "./channel";

export interface BetNotice {
  type: "BetPlaced" | "BetRejected" | "BetSettled" | "BetResettled";
  bet_id: string;
  reason?: string;
}

const notices = channel<BetNotice>();

export const subscribeBetNotices = notices.subscribe;
export const publishBetNotice = notices.publish;
