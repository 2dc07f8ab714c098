import {
  featureList,
  packageBody,
  packageSchema,
  planBody,
  planSchema,
  priceValue,
} from "./billing";

describe("the plan form", () => {
  it("sends the price as the API's decimal string and the period in seconds", () => {
    const values = planSchema.parse({
      name: " Pro Hourly ",
      description: "",
      price: "4,99",
      period_count: "90",
      period_unit: "minute",
      features: "exports_plus, live_stats exports_plus",
    });
    expect(planBody(values)).toEqual({
      name: "Pro Hourly",
      description: "",
      price: "4.99",
      period_seconds: 5400,
      features: ["exports_plus", "live_stats"],
    });
  });

  it("refuses a price that is not a positive amount of cents", () => {
    expect(priceValue("0")).toBeNull();
    expect(priceValue("4.999")).toBeNull();
    expect(priceValue("-1")).toBeNull();
    expect(priceValue("5")).toBe("5.00");
  });

  it("refuses a period outside one minute to 366 days and flags that are not snake_case", () => {
    const base = { name: "P", description: "", price: "1", period_unit: "day" as const };
    const issues = (values: object) =>
      planSchema
        .safeParse({ ...base, features: "", period_count: "1", ...values })
        .error?.issues.map((issue) => issue.message) ?? [];
    expect(issues({ period_count: "367" })).toEqual(["periodInvalid"]);
    expect(issues({ period_count: "1.5" })).toEqual(["periodInvalid"]);
    expect(issues({ features: "Exports-Plus" })).toEqual(["featuresInvalid"]);
    expect(issues({ period_count: "366" })).toEqual([]);
    expect(featureList("")).toEqual([]);
  });
});

describe("the package form", () => {
  const base = {
    name: "Ten tips",
    description: "",
    kind: "units" as const,
    units: "10",
    price: "9.99",
    validity_days: "30",
    stake: "",
  };

  it("sends whole units and days, and no stake for a units package", () => {
    expect(packageBody(packageSchema.parse(base))).toEqual({
      name: "Ten tips",
      description: "",
      kind: "units",
      units: 10,
      price: "9.99",
      validity_days: 30,
      stake: null,
    });
  });

  it("asks a free-bet package for its stake", () => {
    const missing = packageSchema.safeParse({ ...base, kind: "free_bet" });
    expect(missing.error?.issues.map((i) => [i.path.join("."), i.message])).toEqual([
      ["stake", "stakeRequired"],
    ]);
    const body = packageBody(packageSchema.parse({ ...base, kind: "free_bet", stake: "5" }));
    expect(body.stake).toBe("5.00");
  });

  it("refuses units and days that are not whole numbers in range", () => {
    const messages = (values: object) =>
      packageSchema.safeParse({ ...base, ...values }).error?.issues.map((i) => i.message);
    expect(messages({ units: "0" })).toEqual(["unitsInvalid"]);
    expect(messages({ units: "2.5" })).toEqual(["unitsInvalid"]);
    expect(messages({ validity_days: "3651" })).toEqual(["validityInvalid"]);
  });
});
