export { BetSlip } from "./components/BetSlip";
