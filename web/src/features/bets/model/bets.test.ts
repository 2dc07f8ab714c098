import { mayCancel, moneyLine, profitOf } from "./bets";
import { bet } from "./testBets";

describe("a bet's money column", () => {
  it("shows what an open bet would pay, a payout, a loss, a refund", () => {
    expect(
      moneyLine({ ...bet("o", "open", "200.00", null, null), potential_win: "420.00" }),
    ).toEqual({ kind: "potential", cents: 42000 });
    expect(moneyLine(bet("w", "won", "100.00", "190.00", "2026-12-01T00:00:00Z"))).toEqual({
      kind: "payout",
      cents: 19000,
    });
    expect(moneyLine(bet("l", "lost", "50.00", "0.00", "2026-12-01T00:00:00Z"))).toEqual({
      kind: "loss",
      cents: -5000,
    });
    expect(moneyLine(bet("c", "cancelled", "15.00", null, null))).toEqual({
      kind: "refund",
      cents: 1500,
    });
    expect(moneyLine(bet("r", "rejected", "15.00", null, null))).toEqual({ kind: "none" });
  });

  it("nets a settled bet and leaves others open", () => {
    expect(profitOf(bet("w", "won", "100.00", "190.00", "x"))).toBe(9000);
    expect(profitOf(bet("l", "lost", "50.00", "0.00", "x"))).toBe(-5000);
    expect(profitOf(bet("v", "void", "50.00", "50.00", "x"))).toBe(0);
    expect(profitOf(bet("o", "open", "50.00", null, null))).toBeNull();
    expect(mayCancel(bet("o", "open", "50.00", null, null))).toBe(true);
    expect(mayCancel(bet("w", "won", "50.00", "90.00", "x"))).toBe(false);
  });
});
