import { marketPatch, oddsPatch, patchTree, scorePatch, statusPatch } from "./patch";

const odd = (id: string, coefficient: number, version = 1) => ({
  odds_id: id,
  market_id: "m1",
  coefficient,
  version,
  status: "open",
  market_status: "open",
  market_live_betting: false,
});

const page = {
  events: [
    {
      event_id: "e1",
      home_score: 0,
      away_score: 0,
      minute: 10,
      status: "live",
      odds: [odd("o1", 1.85), odd("o2", 2.1)],
    },
    {
      event_id: "e2",
      home_score: null,
      away_score: null,
      minute: null,
      status: "scheduled",
      odds: [odd("o3", 3)],
    },
  ],
};

describe("patchTree", () => {
  it("changes a price and keeps untouched objects", () => {
    const next = patchTree(
      page,
      oddsPatch({
        event_id: "e1",
        market_id: "m1",
        odds_id: "o1",
        new_coefficient: "1.950",
        odds_version: 2,
      }),
    ) as typeof page;
    expect(next.events[0]?.odds[0]).toMatchObject({ coefficient: "1.950", version: 2 });
    expect(next.events[0]?.odds[1]).toBe(page.events[0]?.odds[1]);
    expect(next.events[1]).toBe(page.events[1]);
  });

  it("ignores an older price version", () => {
    const stale = oddsPatch({
      event_id: "e1",
      market_id: "m1",
      odds_id: "o1",
      new_coefficient: "1.50",
      odds_version: 1,
    });
    expect(patchTree(page, stale)).toBe(page);
  });

  it("applies scores, status and market status", () => {
    const scored = patchTree(
      page,
      scorePatch({ event_id: "e1", home_score: 1, away_score: 0, minute: 12 }),
    ) as typeof page;
    expect(scored.events[0]).toMatchObject({ home_score: 1, minute: 12 });
    const started = patchTree(
      page,
      statusPatch({ event_id: "e2", status: "live", home_score: 0, away_score: 0 }),
    ) as typeof page;
    expect(started.events[1]).toMatchObject({ status: "live", home_score: 0 });
    const suspended = patchTree(
      page,
      marketPatch({ event_id: "e1", market_id: "m1", status: "suspended" }),
    ) as typeof page;
    expect(suspended.events[0]?.odds[0]?.market_status).toBe("suspended");
  });
});
