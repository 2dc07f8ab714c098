/** The last `count` UTC days, oldest first, as [from, to) ranges for the stats API. */
export function lastDays(
  count: number,
  now: Date = new Date(),
): { from: string; to: string; day: string }[] {
  const today = Date.UTC(now.getUTCFullYear(), now.getUTCMonth(), now.getUTCDate());
  const DAY = 86_400_000;
  return Array.from({ length: count }, (_, i) => {
    const start = today - (count - 1 - i) * DAY;
    return {
      from: new Date(start).toISOString(),
      to: new Date(start + DAY).toISOString(),
      day: new Date(start).toISOString().slice(0, 10),
    };
  });
}
