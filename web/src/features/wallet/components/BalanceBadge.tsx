export function BalanceBadge() {
  return null;
}
