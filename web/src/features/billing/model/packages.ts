/**
 * The user's packages as the page shows them: each purchase holds its own units and expiry
 * (ADR 0012), units are spent earliest expiry first, so that is the order they are listed in.
 * Units are whole numbers: sums are plain integer additions.
 */

/** As the wallet's notice job warns (settings `package_expiry_notice_h`, 24 h by default). */
export const EXPIRES_SOON_MS = 24 * 3600 * 1000;

export interface HeldPurchase {
  purchase_id: string;
  units_total: number;
  units_left: number;
  paid_at: string;
  expires_at: string;
}

/** Earliest expiry first; ties by purchase time, then id (the order usage spends them in). */
export function spendingOrder<T extends HeldPurchase>(purchases: readonly T[]): T[] {
  return [...purchases].sort(
    (a, b) =>
      Date.parse(a.expires_at) - Date.parse(b.expires_at) ||
      Date.parse(a.paid_at) - Date.parse(b.paid_at) ||
      a.purchase_id.localeCompare(b.purchase_id),
  );
}

/** Still usable at `now`: units left and not yet expired. */
export function isLive(purchase: HeldPurchase, now: number): boolean {
  return purchase.units_left > 0 && Date.parse(purchase.expires_at) > now;
}

/** Units left that expire within the notice window (and have not expired yet). */
export function expiresSoon(purchase: HeldPurchase, now: number, window = EXPIRES_SOON_MS) {
  const left = Date.parse(purchase.expires_at) - now;
  return purchase.units_left > 0 && left > 0 && left <= window;
}

export function unitsLeft(purchases: readonly HeldPurchase[], now: number): number {
  return purchases.reduce((sum, p) => sum + (isLive(p, now) ? p.units_left : 0), 0);
}

/** Purchases (any order) grouped per package, each group earliest expiry first, the groups by
 * their first expiry: the page lists what runs out first at the top. */
export function groupByPackage<T extends HeldPurchase & { package_id: string }>(
  purchases: readonly T[],
): { package_id: string; purchases: T[] }[] {
  const groups = new Map<string, T[]>();
  for (const purchase of spendingOrder(purchases)) {
    const group = groups.get(purchase.package_id);
    if (group) group.push(purchase);
    else groups.set(purchase.package_id, [purchase]);
  }
  return [...groups].map(([package_id, list]) => ({ package_id, purchases: list }));
}
