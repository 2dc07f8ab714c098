import { couponReady, emptySlip, restoreSlip, slipReducer, type SlipSelection } from "./slip";

function pick(event: string, odds: string, price = "2.00"): SlipSelection {
  return {
    event_id: event,
    odds_id: odds,
    event_name: `Event ${event}`,
    market_type: "1x2",
    market: "1X2",
    line: null,
    bet_type: "1",
    price,
  };
}

describe("slipReducer", () => {
  it("adds and removes a selection with the same toggle", () => {
    const once = slipReducer(emptySlip, { type: "toggle", selection: pick("e1", "o1") });
    expect(once.selections.map((s) => s.odds_id)).toEqual(["o1"]);
    const twice = slipReducer(once, { type: "toggle", selection: pick("e1", "o1") });
    expect(twice.selections).toEqual([]);
  });

  it("keeps two picks of one event as singles", () => {
    let state = slipReducer(emptySlip, { type: "toggle", selection: pick("e1", "o1") });
    state = slipReducer(state, { type: "toggle", selection: pick("e1", "o2") });
    expect(state.selections).toHaveLength(2);
    expect(state.note).toBeNull();
  });

  it("replaces the first pick of an event in a coupon, with a note", () => {
    let state = slipReducer(emptySlip, { type: "mode", mode: "coupon" });
    state = slipReducer(state, { type: "toggle", selection: pick("e1", "o1") });
    state = slipReducer(state, { type: "toggle", selection: pick("e2", "o3") });
    state = slipReducer(state, { type: "toggle", selection: pick("e1", "o2") });
    expect(state.selections.map((s) => s.odds_id)).toEqual(["o3", "o2"]);
    expect(state.note).toEqual({ kind: "replaced", event_name: "Event e1" });
    expect(couponReady(state)).toBe(true);
  });

  it("keeps the latest pick per event when switching to a coupon", () => {
    let state = slipReducer(emptySlip, { type: "toggle", selection: pick("e1", "o1") });
    state = slipReducer(state, { type: "stake", odds_id: "o1", value: "5" });
    state = slipReducer(state, { type: "toggle", selection: pick("e1", "o2") });
    state = slipReducer(state, { type: "mode", mode: "coupon" });
    expect(state.selections.map((s) => s.odds_id)).toEqual(["o2"]);
    expect(state.stakes).toEqual({});
    expect(state.note?.kind).toBe("replaced");
    expect(couponReady(state)).toBe(false); // one leg is not a coupon
  });

  it("takes at most 15 selections", () => {
    let state = emptySlip;
    for (let i = 0; i < 15; i += 1) {
      state = slipReducer(state, { type: "toggle", selection: pick(`e${i}`, `o${i}`) });
    }
    const full = slipReducer(state, { type: "toggle", selection: pick("e99", "o99") });
    expect(full.selections).toHaveLength(15);
    expect(full.note).toEqual({ kind: "full" });
  });

  it("updates a leg's price when the user accepts the new one", () => {
    const state = slipReducer(emptySlip, { type: "toggle", selection: pick("e1", "o1", "1.85") });
    const moved = slipReducer(state, { type: "price", odds_id: "o1", price: "1.95" });
    expect(moved.selections[0]?.price).toBe("1.95");
    expect(slipReducer(moved, { type: "price", odds_id: "o1", price: "1.95" })).toBe(moved);
  });

  it("clears the selections but keeps the mode and policy", () => {
    let state = slipReducer(emptySlip, { type: "mode", mode: "coupon" });
    state = slipReducer(state, { type: "policy", policy: "higher" });
    state = slipReducer(state, { type: "toggle", selection: pick("e1", "o1") });
    const cleared = slipReducer(state, { type: "clear" });
    expect(cleared).toMatchObject({ selections: [], mode: "coupon", policy: "higher" });
  });
});

describe("restoreSlip", () => {
  it("reads back what was stored and drops junk", () => {
    expect(restoreSlip(null)).toEqual(emptySlip);
    const restored = restoreSlip({
      selections: [pick("e1", "o1"), { nonsense: true }],
      mode: "coupon",
      policy: "bogus",
    });
    expect(restored.selections).toHaveLength(1);
    expect(restored.mode).toBe("coupon");
    expect(restored.policy).toBe("none");
  });
});
