import {
  appliesAtOnce,
  changeOf,
  COOLING_OFF_MS,
  effectiveAt,
  periodLimits,
  readLimitAmount,
} from "./limits";
import {
  endsTooSoon,
  inForce,
  selfExclusionEnd,
  timeOutDays,
  timeOutEnd,
  type Restriction,
} from "./restriction";
import { playedTime, realityCheckChoices } from "./realityCheck";

const NOW = Date.parse("2026-12-07T12:00:00Z");

describe("limits per period", () => {
  it("reads day, week and month in that order, a period not answered as no limit", () => {
    const found = periodLimits([
      { period: "month", amount: "500.00", pending: null, used: "120.50" },
      {
        period: "day",
        amount: "50.00",
        pending: { amount: "80.00", effective_at: "2026-12-08T12:00:00+00:00" },
        used: "10.00",
      },
    ]);
    expect(found).toEqual([
      {
        period: "day",
        current: 5_000,
        pending: { amount: 8_000, effectiveAt: "2026-12-08T12:00:00+00:00" },
        used: 1_000,
      },
      { period: "week", current: null, pending: null, used: 0 },
      { period: "month", current: 50_000, pending: null, used: 12_050 },
    ]);
  });

  it("reads a pending removal and the bets service's loss, a net win counting as no loss", () => {
    const [day, week] = periodLimits([
      {
        period: "day",
        amount: "20.00",
        pending: { amount: null, effective_at: "2026-12-08T12:00:00+00:00" },
        loss: "-15.00",
      },
      { period: "week", amount: null, pending: null, loss: "7.25" },
    ]);
    expect(day?.pending).toEqual({ amount: null, effectiveAt: "2026-12-08T12:00:00+00:00" });
    expect(day?.used).toBe(0);
    expect(week?.used).toBe(725);
  });
});

describe("what a limit change does", () => {
  it.each([
    [null, 10_000, "first", true],
    [10_000, 5_000, "lower", true],
    [10_000, 10_000, "same", true],
    [10_000, 20_000, "raise", false],
    [10_000, null, "remove", false],
    [null, null, "nothing", false],
  ] as const)("from %s to %s is %s (at once: %s)", (current, requested, change, atOnce) => {
    expect(changeOf(current, requested)).toBe(change);
    expect(appliesAtOnce(change)).toBe(atOnce);
  });

  it("takes effect now, or 24 hours from now for a raise or a removal", () => {
    expect(effectiveAt("lower", NOW).getTime()).toBe(NOW);
    expect(effectiveAt("raise", NOW).getTime()).toBe(NOW + COOLING_OFF_MS);
    expect(effectiveAt("remove", NOW).toISOString()).toBe("2026-12-08T12:00:00.000Z");
  });

  it("reads a typed amount in cents, or says what is wrong with it", () => {
    expect(readLimitAmount("100")).toEqual({ cents: 10_000 });
    expect(readLimitAmount(" 49,5 ")).toEqual({ cents: 4_950 });
    expect(readLimitAmount("")).toEqual({ problem: "required" });
    expect(readLimitAmount("1.234")).toEqual({ problem: "format" });
    expect(readLimitAmount("-5")).toEqual({ problem: "format" });
    expect(readLimitAmount("0.00")).toEqual({ problem: "zero" });
  });
});

describe("what a time-out choice means", () => {
  it("is a preset's days, or a typed whole number from 1 to 42", () => {
    expect(timeOutDays({ preset: 42 })).toEqual({ days: 42 });
    expect(timeOutDays({ custom: " 3 " })).toEqual({ days: 3 });
    expect(timeOutDays({ custom: "" })).toEqual({ problem: "required" });
    expect(timeOutDays({ custom: "2.5" })).toEqual({ problem: "whole" });
    expect(timeOutDays({ custom: "0" })).toEqual({ problem: "range" });
    expect(timeOutDays({ custom: "43" })).toEqual({ problem: "range" });
  });

  it("ends whole days from now: 24 hours for one day, 6 weeks for 42", () => {
    expect(timeOutEnd(NOW, 1).toISOString()).toBe("2026-12-08T12:00:00.000Z");
    expect(timeOutEnd(NOW, 42).toISOString()).toBe("2027-01-18T12:00:00.000Z");
  });

  it("ends a self-exclusion on the calendar, the day clamped to the month's last", () => {
    expect(selfExclusionEnd(NOW, 6).toISOString()).toBe("2027-06-07T12:00:00.000Z");
    expect(selfExclusionEnd(NOW, 60).toISOString()).toBe("2031-12-07T12:00:00.000Z");
    const august31 = Date.parse("2027-08-31T09:30:00Z");
    expect(selfExclusionEnd(august31, 6).toISOString()).toBe("2028-02-29T09:30:00.000Z");
    expect(selfExclusionEnd(august31, 18).toISOString()).toBe("2029-02-28T09:30:00.000Z");
  });
});

describe("a restriction in force", () => {
  const timeOut: Restriction = { kind: "time_out", until: "2026-12-10T12:00:00+00:00" };

  it("runs until its end and not after", () => {
    expect(inForce(timeOut, NOW)).toBe(timeOut);
    expect(inForce(timeOut, Date.parse("2026-12-10T12:00:00Z"))).toBeNull();
    expect(inForce(null, NOW)).toBeNull();
  });

  it("cannot be replaced by one ending earlier (that would shorten it)", () => {
    expect(endsTooSoon(timeOut, timeOutEnd(NOW, 1))).toBe(true);
    expect(endsTooSoon(timeOut, timeOutEnd(NOW, 3))).toBe(false);
    expect(endsTooSoon(null, timeOutEnd(NOW, 1))).toBe(false);
  });
});

describe("reality checks", () => {
  it("splits the time played into whole hours and minutes, rounding down", () => {
    expect(playedTime(5_400)).toEqual({ hours: 1, minutes: 30 });
    expect(playedTime(5_399)).toEqual({ hours: 1, minutes: 29 });
    expect(playedTime(59)).toEqual({ hours: 0, minutes: 0 });
    expect(playedTime(-5)).toEqual({ hours: 0, minutes: 0 });
  });

  it("offers the account's own interval among the choices, in order", () => {
    expect(realityCheckChoices(null)).toEqual([15, 30, 45, 60, 90, 120]);
    expect(realityCheckChoices(30)).toEqual([15, 30, 45, 60, 90, 120]);
    expect(realityCheckChoices(240)).toEqual([15, 30, 45, 60, 90, 120, 240]);
  });
});
