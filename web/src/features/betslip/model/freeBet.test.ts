import { chosenFreeBet, freeBetWinningsCents, unitsNeeded } from "./freeBet";
import { potentialWinCents } from "./payout";
import { emptySlip, restoreSlip, slipReducer } from "./slip";

describe("a free bet's return", () => {
  it.each([
    // stake, legs, potential win, winnings only
    [500, ["1.85"], 925, 425],
    [500, ["2.10"], 1050, 550],
    [500, ["1.855"], 927, 427], // payout rounded down first, as the server does
    [500, ["1.85", "1.50"], 1390, 890], // coupon odds 2.775 → 2.78
    [1000, ["1.01"], 1010, 10],
  ])("stake %i on %j pays %i, the winnings %i", (stake, legs, win, winnings) => {
    expect(potentialWinCents(stake, legs)).toBe(win);
    expect(freeBetWinningsCents(stake, legs)).toBe(winnings);
  });

  it("is nothing without legs", () => {
    expect(freeBetWinningsCents(500, [])).toBe(0);
  });
});

describe("the units a placement spends", () => {
  it("is one per single and one per coupon", () => {
    expect(unitsNeeded("singles", 3)).toBe(3);
    expect(unitsNeeded("coupon", 3)).toBe(1);
    expect(unitsNeeded("coupon", 0)).toBe(0);
  });
});

describe("the free bet chosen", () => {
  const choices = [{ stake: "5.00" }, { stake: "10.00" }];

  it("is one the user still holds", () => {
    expect(chosenFreeBet(choices, "10.00")).toEqual({ stake: "10.00" });
    expect(chosenFreeBet(choices, "2.00")).toBeNull();
    expect(chosenFreeBet(choices, null)).toBeNull();
  });

  it("is kept in the slip, cleared with it, and read back from storage", () => {
    const on = slipReducer(emptySlip, { type: "freeBet", stake: "5.00" });
    expect(on.freeBet).toBe("5.00");
    expect(slipReducer(on, { type: "freeBet", stake: null }).freeBet).toBeNull();
    expect(slipReducer(on, { type: "clear" }).freeBet).toBeNull();
    expect(restoreSlip({ selections: [], freeBet: "5.00" }).freeBet).toBe("5.00");
    expect(restoreSlip({ selections: [], freeBet: 5 }).freeBet).toBeNull();
  });
});
