import { freeBetChoices } from "./freeBets";
import { expiresSoon, groupByPackage, isLive, spendingOrder, unitsLeft } from "./packages";
import { periodParts } from "./period";
import { actionsFor, offerFor } from "./subscription";

describe("a plan's period in parts", () => {
  it.each([
    [3600, "hour", 1],
    [7200, "hour", 2],
    [5400, "minute", 90],
    [60, "minute", 1],
    [86_400, "day", 1],
    [30 * 86_400, "day", 30],
    [14 * 86_400, "week", 2],
    [90, "second", 90],
  ])("%i s is %s × %i", (seconds, unit, count) => {
    expect(periodParts(seconds)).toEqual({ unit, count });
  });
});

const at = (iso: string) => Date.parse(iso);
const purchase = (id: string, expires: string, left = 5, paid = "2026-12-01T00:00:00Z") => ({
  purchase_id: id,
  package_id: id.startsWith("a") ? "pkg-a" : "pkg-b",
  units_total: 5,
  units_left: left,
  paid_at: paid,
  expires_at: expires,
});

describe("the user's purchases", () => {
  it("are listed earliest expiry first, ties by purchase time then id", () => {
    const list = [
      purchase("a3", "2026-12-20T00:00:00Z"),
      purchase("a2", "2026-12-10T00:00:00Z", 5, "2026-12-02T00:00:00Z"),
      purchase("a1", "2026-12-10T00:00:00Z", 5, "2026-12-01T00:00:00Z"),
      purchase("a0", "2026-12-10T00:00:00Z", 5, "2026-12-01T00:00:00Z"),
    ];
    expect(spendingOrder(list).map((p) => p.purchase_id)).toEqual(["a0", "a1", "a2", "a3"]);
  });

  it("are grouped per package, the package that runs out first on top", () => {
    const groups = groupByPackage([
      purchase("a1", "2026-12-20T00:00:00Z"),
      purchase("b1", "2026-12-09T00:00:00Z"),
      purchase("a2", "2026-12-08T00:00:00Z"),
    ]);
    expect(groups.map((g) => [g.package_id, g.purchases.map((p) => p.purchase_id)])).toEqual([
      ["pkg-a", ["a2", "a1"]],
      ["pkg-b", ["b1"]],
    ]);
  });

  it("count only unexpired units, and flag those expiring within a day", () => {
    const now = at("2026-12-07T12:00:00Z");
    const soon = purchase("a1", "2026-12-08T11:00:00Z", 3);
    const later = purchase("a2", "2026-12-09T12:00:01Z", 4);
    const gone = purchase("a3", "2026-12-07T11:59:59Z", 7);
    const used = purchase("a4", "2026-12-07T13:00:00Z", 0);
    expect(unitsLeft([soon, later, gone, used], now)).toBe(7);
    expect([soon, later, gone, used].map((p) => expiresSoon(p, now))).toEqual([
      true,
      false,
      false,
      false,
    ]);
    expect(isLive(gone, now)).toBe(false);
  });
});

describe("what the user can do with a subscription", () => {
  it("depends on its status", () => {
    expect(actionsFor("active")).toEqual({ change: true, cancel: true, resume: false });
    expect(actionsFor("suspended")).toEqual({ change: false, cancel: true, resume: true });
    expect(actionsFor("cancelled")).toEqual({ change: false, cancel: false, resume: true });
    expect(actionsFor(null)).toEqual({ change: false, cancel: false, resume: false });
  });

  it("and each plan offers subscribe, switch, or nothing", () => {
    expect(offerFor("p1", false, null)).toBe("subscribe");
    expect(offerFor("p1", true, null)).toBe("none");
    expect(offerFor("p1", false, { planId: "p1", status: "active" })).toBe("current");
    expect(offerFor("p2", false, { planId: "p1", status: "active" })).toBe("change");
    expect(offerFor("p2", false, { planId: "p1", status: "suspended" })).toBe("none");
    expect(offerFor("p2", false, { planId: "p1", status: "cancelled" })).toBe("subscribe");
  });
});

describe("the free bets the slip offers", () => {
  const now = at("2026-12-07T12:00:00Z");
  const freeBet = (
    id: string,
    stake: string | null,
    left: number,
    expires: string,
    packageId = "pkg-f",
  ) => ({
    purchase_id: id,
    package_id: packageId,
    kind: "free_bet" as const,
    stake,
    units_total: 5,
    units_left: left,
    paid_at: "2026-12-01T00:00:00Z",
    expires_at: expires,
  });

  it("are one choice per stake, units summed, the earliest expiry kept, smallest stake first", () => {
    const choices = freeBetChoices(
      [
        freeBet("f1", "10.00", 1, "2026-12-20T00:00:00Z"),
        freeBet("f2", "5.00", 2, "2026-12-15T00:00:00Z"),
        freeBet("f3", "5.0", 1, "2026-12-09T00:00:00Z"),
      ],
      now,
    );
    expect(choices).toEqual([
      { stake: "5.00", cents: 500, units: 3, expiresAt: "2026-12-09T00:00:00Z" },
      { stake: "10.00", cents: 1000, units: 1, expiresAt: "2026-12-20T00:00:00Z" },
    ]);
  });

  it("leave out units packages, used-up and expired purchases", () => {
    const units = { ...freeBet("u1", null, 4, "2026-12-20T00:00:00Z"), kind: "units" as const };
    const choices = freeBetChoices(
      [
        units,
        freeBet("f1", "5.00", 0, "2026-12-20T00:00:00Z"),
        freeBet("f2", "5.00", 3, "2026-12-07T11:59:59Z"),
      ],
      now,
    );
    expect(choices).toEqual([]);
  });

  it("take the package's stake when the purchase has none, and skip an unknown stake", () => {
    const stakes: Record<string, string> = { "pkg-f": "2.50" };
    const choices = freeBetChoices(
      [
        freeBet("f1", null, 2, "2026-12-20T00:00:00Z"),
        freeBet("f2", null, 1, "2026-12-20T00:00:00Z", "pkg-gone"),
      ],
      now,
      (id) => stakes[id],
    );
    expect(choices).toEqual([
      { stake: "2.50", cents: 250, units: 2, expiresAt: "2026-12-20T00:00:00Z" },
    ]);
  });
});
