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

describe("a free bet's money column and result", () => {
  const free = (status: Parameters<typeof bet>[1], payout: string | null) => ({
    ...bet("f", status, "5.00", payout, status === "open" ? null : "2026-12-01T00:00:00Z"),
    potential_win: "9.25",
    free_bet: true,
  });

  it("shows the winnings only: to win while open, paid once won", () => {
    // 5.00 at 1.85: a payout of 9.25, of which 4.25 is winnings (the stake was the house's).
    expect(moneyLine(free("open", null))).toEqual({ kind: "toWin", cents: 425 });
    expect(moneyLine(free("won", "9.25"))).toEqual({ kind: "winnings", cents: 425 });
  });

  it("spends the unit when lost and gives it back when void or cancelled", () => {
    expect(moneyLine(free("lost", "0.00"))).toEqual({ kind: "unitSpent" });
    expect(moneyLine(free("void", "5.00"))).toEqual({ kind: "unitBack" });
    expect(moneyLine(free("cancelled", null))).toEqual({ kind: "unitBack" });
    expect(moneyLine(free("rejected", null))).toEqual({ kind: "none" });
  });

  it("nets the winnings when won and nothing otherwise", () => {
    expect(profitOf(free("won", "9.25"))).toBe(425);
    expect(profitOf(free("lost", "0.00"))).toBe(0);
    expect(profitOf(free("void", "5.00"))).toBe(0);
    expect(profitOf(free("open", null))).toBeNull();
  });
});
