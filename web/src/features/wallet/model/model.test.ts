import { luhnValid, parseExpiry, simulatorBase, SimulatorBaseMissing, TEST_CARDS } from "./cards";
import { usedToday, withdrawalLimits, withdrawCeiling } from "./limits";
import { amountIssue, ibanIssue } from "./validation";

describe("card checks", () => {
  it("accepts every listed test card and refuses a mistyped one", () => {
    for (const card of TEST_CARDS) expect(luhnValid(card.number)).toBe(true);
    expect(luhnValid("4242 4242 4242 4241")).toBe(false);
    expect(luhnValid("4242")).toBe(false);
  });

  it("reads an expiry and refuses a past one", () => {
    const now = new Date("2026-12-07T00:00:00Z");
    expect(parseExpiry("12/26", now)).toEqual({ month: 12, year: 2026 });
    expect(parseExpiry("8/2030", now)).toEqual({ month: 8, year: 2030 });
    expect(parseExpiry("11/26", now)).toBeNull();
    expect(parseExpiry("13/30", now)).toBeNull();
  });
});

describe("where the simulator's card form calls", () => {
  it("is the answer's stripe_api_base, and a clear error without one", () => {
    const key = "pk_test_looseline_simulator";
    expect(simulatorBase({ publishable_key: key, stripe_api_base: "http://sim.test:4242/" })).toBe(
      "http://sim.test:4242",
    );
    expect(() => simulatorBase({ publishable_key: key, stripe_api_base: null })).toThrow(
      SimulatorBaseMissing,
    );
    expect(() => simulatorBase({ publishable_key: key })).toThrow(/STRIPE_BROWSER_API_BASE/);
  });
});

describe("amount rules", () => {
  const rules = { min: 1_000, max: 10_000_000, remaining: 100_000, available: 50_000 };
  it("names the first rule an amount breaks, in cents", () => {
    expect(amountIssue("", rules)).toEqual({ key: "validation.amount" });
    expect(amountIssue("1.234", rules)).toEqual({ key: "validation.amount" });
    expect(amountIssue("9.99", rules)).toEqual({ key: "validation.min", cents: 1_000 });
    expect(amountIssue("100000.01", rules)).toEqual({ key: "validation.max", cents: 10_000_000 });
    expect(amountIssue("1000.01", rules)).toEqual({
      key: "validation.dailyRemaining",
      cents: 100_000,
    });
    expect(amountIssue("500.01", rules)).toEqual({ key: "validation.overBalance", cents: 50_000 });
    expect(amountIssue("500,00", rules)).toBeNull();
  });

  it("reads the withdrawal limits and today's use from the API's answer, in cents", () => {
    const answer = {
      success: true as const,
      limits: {
        min: "10.00",
        max: "100000.00",
        daily_limit: "50000.00",
        used_today: "300.30",
        remaining: "49699.70",
        currency: "USD",
      },
    };
    expect(usedToday(answer)).toEqual({ limit: 5_000_000, used: 30_030, remaining: 4_969_970 });
    const limits = withdrawalLimits(answer);
    expect(limits).toEqual({
      min: 1_000,
      max: 10_000_000,
      daily: { limit: 5_000_000, used: 30_030, remaining: 4_969_970 },
    });
    expect(withdrawCeiling(limits, 12_345)).toBe(12_345);
    expect(withdrawCeiling(limits, 9_000_000)).toBe(4_969_970);
  });

  it("checks an IBAN's shape", () => {
    expect(ibanIssue("DE89 3704 0044 0532 0130 00")).toBeNull();
    expect(ibanIssue("DE89")).toEqual({ key: "validation.iban" });
  });
});
