export { BetSlip } from "./components/BetSlip";
export { betSlip, useInSlip } from "./model/store";
export type { SlipSelection } from "./model/slip";
export { marketName, selectionName, type MarketLabel } from "./model/labels";
