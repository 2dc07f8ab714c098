export { LiveCount } from "./components/LiveCount";
export { useLiveStream } from "./api/useLiveStream";
export { subscribeBetNotices, type BetNotice } from "./model/bets";
export { subscribeRealityChecks, type RealityCheck } from "./model/realityCheck";
