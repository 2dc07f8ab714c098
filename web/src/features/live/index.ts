export { LiveCount } from "./components/LiveCount";
export { useLiveStream } from "./api/useLiveStream";
export { subscribeBetNotices, type BetNotice } from "./model/bets";
