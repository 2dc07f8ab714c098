export function BetSlip() {
  return null;
}
