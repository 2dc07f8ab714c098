/** The statistics maths against hand-computed vectors (the same cases as services/bets
 * tests/unit/test_stats.py, so the browser and the server agree). */
import { cumulativeProfit, resultsBySport, streaks, streaksOf } from "./stats";
import { bet } from "./testBets";

describe("streaks", () => {
  it.each([
    [[], { current: 0, longestWin: 0, longestLoss: 0 }],
    [["won"], { current: 1, longestWin: 1, longestLoss: 0 }],
    [["lost", "lost"], { current: -2, longestWin: 0, longestLoss: 2 }],
    // The server's hand-computed case: W L L W W.
    [["won", "lost", "lost", "won", "won"], { current: 2, longestWin: 2, longestLoss: 2 }],
    [["won", "won", "won", "lost", "won"], { current: 1, longestWin: 3, longestLoss: 1 }],
    [["won", "lost", "lost", "lost"], { current: -3, longestWin: 1, longestLoss: 3 }],
  ] as const)("%j → %j", (results, expected) => {
    expect(streaks(results)).toEqual(expected);
  });

  it("follows settlement order, not the history's newest-first order, and skips void", () => {
    const history = [
      bet("e", "won", "10.00", "20.00", "2026-12-05T10:00:00Z"),
      bet("v", "void", "10.00", "10.00", "2026-12-04T12:00:00Z"),
      bet("d", "won", "10.00", "20.00", "2026-12-04T10:00:00Z"),
      bet("c", "lost", "10.00", "0.00", "2026-12-03T10:00:00Z"),
      bet("o", "open", "10.00", null, null),
      bet("b", "lost", "10.00", "0.00", "2026-12-02T10:00:00Z"),
      bet("a", "won", "10.00", "20.00", "2026-12-01T10:00:00Z"),
    ];
    expect(streaksOf(history)).toEqual({ current: 2, longestWin: 2, longestLoss: 2 });
  });
});

describe("cumulativeProfit", () => {
  it("is the running sum of payout − stake in cents (the server's case: +66.30)", () => {
    const history = [
      bet("5", "won", "30.00", "33.00", "2026-12-05T00:00:00Z"),
      bet("4", "won", "10.00", "58.30", "2026-12-04T00:00:00Z"),
      bet("3", "lost", "20.00", "0.00", "2026-12-03T00:00:00Z"),
      bet("2", "lost", "50.00", "0.00", "2026-12-02T00:00:00Z"),
      bet("1", "won", "100.00", "185.00", "2026-12-01T00:00:00Z"),
    ];
    expect(cumulativeProfit(history).map((p) => [p.betId, p.profit, p.cumulative])).toEqual([
      ["1", 8500, 8500],
      ["2", -5000, 3500],
      ["3", -2000, 1500],
      ["4", 4830, 6330],
      ["5", 300, 6630],
    ]);
  });

  it("adds cents exactly where floats would not (0.10 + 0.20)", () => {
    const history = [
      bet("a", "won", "1.00", "1.10", "2026-12-01T00:00:00Z"),
      bet("b", "won", "1.00", "1.20", "2026-12-02T00:00:00Z"),
    ];
    expect(cumulativeProfit(history).at(-1)?.cumulative).toBe(30);
  });

  it("orders equal settlement times by bet id, and leaves out open and void bets", () => {
    const at = "2026-12-01T00:00:00Z";
    const history = [
      bet("b", "lost", "5.00", "0.00", at),
      bet("a", "won", "5.00", "12.50", at),
      bet("v", "void", "5.00", "5.00", at),
      bet("o", "open", "5.00", null, null),
    ];
    expect(cumulativeProfit(history).map((p) => [p.betId, p.cumulative])).toEqual([
      ["a", 750],
      ["b", 250],
    ]);
  });

  it("is empty without settled bets", () => {
    expect(cumulativeProfit([bet("o", "open", "5.00", null, null)])).toEqual([]);
  });
});

describe("resultsBySport", () => {
  const sports: Record<string, string> = { f1: "football", f2: "football", t1: "tennis" };
  it("counts won / lost / void and net profit per sport; a coupon across sports is 'mixed'", () => {
    const history = [
      bet("1", "won", "10.00", "25.00", "2026-12-01T00:00:00Z", ["f1"]),
      bet("2", "lost", "5.00", "0.00", "2026-12-01T00:00:00Z", ["f2"]),
      bet("3", "void", "7.00", "7.00", "2026-12-01T00:00:00Z", ["t1"]),
      bet("4", "lost", "3.00", "0.00", "2026-12-01T00:00:00Z", ["f1", "t1"]),
      bet("5", "won", "2.00", "4.00", "2026-12-01T00:00:00Z", ["f1", "f2"]),
      bet("6", "open", "9.00", null, null, ["f1"]),
      bet("7", "won", "1.00", "3.00", "2026-12-01T00:00:00Z", ["gone"]),
    ];
    expect(resultsBySport(history, (id) => sports[id])).toEqual([
      { sport: "football", won: 2, lost: 1, void: 0, profit: 1500 + 200 - 500 },
      { sport: "mixed", won: 0, lost: 1, void: 0, profit: -300 },
      { sport: "tennis", won: 0, lost: 0, void: 1, profit: 0 },
      { sport: "unknown", won: 1, lost: 0, void: 0, profit: 200 },
    ]);
  });
});

describe("free bets in the curve and per sport", () => {
  it("count a won free bet's winnings and nothing for a lost one", () => {
    const history = [
      { ...bet("3", "lost", "5.00", "0.00", "2026-12-03T00:00:00Z"), free_bet: true },
      { ...bet("2", "won", "5.00", "9.25", "2026-12-02T00:00:00Z"), free_bet: true },
      bet("1", "lost", "10.00", "0.00", "2026-12-01T00:00:00Z"),
    ];
    expect(cumulativeProfit(history).map((p) => [p.profit, p.cumulative])).toEqual([
      [-1000, -1000],
      [425, -575],
      [0, -575],
    ]);
    const [row] = resultsBySport(history, () => "football");
    expect(row).toEqual({ sport: "football", won: 1, lost: 2, void: 0, profit: -575 });
  });
});
