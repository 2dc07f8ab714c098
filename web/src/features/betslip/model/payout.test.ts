// The one table of cases shared with the bets service (services/bets/tests/test_payout_vectors.py).
import vectors from "../../../../../services/bets/tests/payout_vectors.json";
import { parseAmount, toAmountString } from "@/shared/format/money";
import { couponOdds, potentialWinCents } from "./payout";

interface Vector {
  legs: string[];
  stake: string;
  coupon_odds: string;
  payout: string;
  note?: string;
}

const table = vectors as Vector[];

describe("payout vectors shared with the bets service", () => {
  it("has at least 20 cases", () => {
    expect(table.length).toBeGreaterThanOrEqual(20);
  });

  it.each(table.map((v) => [v.note ?? v.legs.join(" × "), v] as const))("%s", (_, vector) => {
    const stake = parseAmount(vector.stake);
    expect(stake).not.toBeNull();
    expect(couponOdds(vector.legs)).toBe(vector.coupon_odds);
    expect(toAmountString(potentialWinCents(stake ?? 0, vector.legs))).toBe(vector.payout);
  });
});

describe("potentialWinCents", () => {
  it("is zero without legs or stake", () => {
    expect(potentialWinCents(0, ["2.00"])).toBe(0);
    expect(potentialWinCents(1000, [])).toBe(0);
    expect(couponOdds([])).toBe("1.00");
  });
});
