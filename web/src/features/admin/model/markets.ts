/**
 * The markets an admin adds beside the main one, with the selections each must list once
 * (docs/events.md, "Markets and settlement rules"). Totals take a line: a positive multiple of 0.5.
 */
export type AddableMarket = "double_chance" | "total" | "btts";

export const MARKET_SELECTIONS: Record<AddableMarket, readonly string[]> = {
  double_chance: ["1X", "12", "X2"],
  total: ["over", "under"],
  btts: ["yes", "no"],
};

/** "2.5" / "3" / "3,0" → true; quarter lines, zero, negatives and text → false. */
export function validLine(text: string): boolean {
  const match = /^(\d{1,3})(?:[.,](\d))?$/.exec(text.trim());
  if (!match) return false;
  const tenths = Number(match[1]) * 10 + Number(match[2] ?? "0");
  return tenths > 0 && tenths % 5 === 0 && tenths <= 9995;
}
