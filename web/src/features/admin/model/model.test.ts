import { lastDays } from "./days";
import { allowedActions, marketsEditable } from "./eventActions";
import { createEventSchema, oddsField, oddsThousandths, rejectSchema, settleSchema } from "./forms";
import { liabilitiesOf } from "./liabilities";
import { validLine } from "./markets";

describe("admin form rules", () => {
  it("takes scores as whole numbers from 0 to 10 000", () => {
    const ok = (home: string, away: string) =>
      settleSchema.safeParse({ home_score: home, away_score: away, reason: "" }).success;
    expect(ok("0", "0")).toBe(true);
    expect(ok("10000", "3")).toBe(true);
    expect(ok("10001", "3")).toBe(false);
    expect(ok("-1", "3")).toBe(false);
    expect(ok("1.5", "3")).toBe(false);
    expect(ok("", "3")).toBe(false);
    expect(ok("two", "3")).toBe(false);
  });

  it("takes odds above 1.00 with at most three decimals, up to 1000", () => {
    const ok = (text: string) => oddsField.safeParse(text).success;
    expect(ok("1.85")).toBe(true);
    expect(ok("1,85")).toBe(true);
    expect(ok("1.001")).toBe(true);
    expect(ok("1000")).toBe(true);
    expect(ok("1.00")).toBe(false);
    expect(ok("1.0001")).toBe(false);
    expect(ok("1000.001")).toBe(false);
    expect(ok("0.5")).toBe(false);
    expect(ok("abc")).toBe(false);
    expect(oddsThousandths("2.5")).toBe(2500);
  });

  it("needs a reason to reject", () => {
    expect(rejectSchema.safeParse({ reason: "  " }).success).toBe(false);
    expect(rejectSchema.safeParse({ reason: "fraud" }).success).toBe(true);
  });

  it("creates an event with two different teams in the future", () => {
    const base = {
      sport: "football",
      league: "1",
      home_team: "A",
      away_team: "B",
      event_datetime: "2999-01-01T18:00",
      odds_1: "2.1",
      odds_x: "",
      odds_2: "3.2",
    };
    expect(createEventSchema.safeParse(base).success).toBe(true);
    expect(createEventSchema.safeParse({ ...base, away_team: "a" }).success).toBe(false);
    expect(
      createEventSchema.safeParse({ ...base, event_datetime: "2001-01-01T18:00" }).success,
    ).toBe(false);
    expect(createEventSchema.safeParse({ ...base, odds_x: "1" }).success).toBe(false);
  });

  it("takes total lines in steps of 0.5", () => {
    expect(validLine("2.5")).toBe(true);
    expect(validLine("3")).toBe(true);
    expect(validLine("3,0")).toBe(true);
    expect(validLine("2.25")).toBe(false);
    expect(validLine("0")).toBe(false);
    expect(validLine("-1")).toBe(false);
  });
});

describe("event lifecycle", () => {
  const now = Date.parse("2026-12-07T12:00:00Z");
  it("offers only the transitions the status allows", () => {
    expect(allowedActions("scheduled", "2026-12-08T12:00:00Z", now)).toEqual([
      "start",
      "postpone",
      "cancel",
    ]);
    expect(allowedActions("scheduled", "2026-12-06T12:00:00Z", now)).toContain("settle");
    expect(allowedActions("live", "2026-12-06T12:00:00Z", now)).toEqual([
      "score",
      "settle",
      "postpone",
      "cancel",
    ]);
    expect(allowedActions("postponed", "2026-12-06T12:00:00Z", now)).toEqual([
      "start",
      "reschedule",
      "cancel",
    ]);
    expect(allowedActions("finished", "2026-12-06T12:00:00Z", now)).toEqual(["resettle"]);
    expect(allowedActions("cancelled", "2026-12-06T12:00:00Z", now)).toEqual([]);
    expect(marketsEditable("finished")).toBe(false);
    expect(marketsEditable("live")).toBe(true);
  });
});

describe("dashboard helpers", () => {
  it("splits the last days into UTC ranges, oldest first", () => {
    const days = lastDays(3, new Date("2026-12-07T15:30:00Z"));
    expect(days.map((d) => d.day)).toEqual(["2026-12-05", "2026-12-06", "2026-12-07"]);
    expect(days[2]).toMatchObject({
      from: "2026-12-07T00:00:00.000Z",
      to: "2026-12-08T00:00:00.000Z",
    });
  });

  it("picks one event's selection liabilities", () => {
    const row = (event_id: string, odds_id: string) => ({
      event_id,
      odds_id,
      event_name: "A – B",
      market: "1X2",
      selection: "1",
      open_bets: 1,
      stakes: "10.00",
      worst_case_payout: "21.00",
    });
    const map = liabilitiesOf("e1", [row("e1", "o1"), row("e2", "o2")]);
    expect([...map.keys()]).toEqual(["o1"]);
  });
});
