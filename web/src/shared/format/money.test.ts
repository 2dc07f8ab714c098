import { centsOf, formatMoney, parseAmount, toAmountString } from "./money";

describe("money in minor units", () => {
  it("parses amounts with at most two decimals", () => {
    expect(parseAmount("12")).toBe(1200);
    expect(parseAmount("12.5")).toBe(1250);
    expect(parseAmount("0.01")).toBe(1);
    expect(parseAmount("12,34")).toBe(1234);
    expect(parseAmount("12.345")).toBeNull();
    expect(parseAmount("-1")).toBeNull();
    expect(parseAmount("1e3")).toBeNull();
    expect(parseAmount("")).toBeNull();
  });

  it("adds without float error", () => {
    expect(toAmountString(centsOf("0.10") + centsOf("0.20"))).toBe("0.30");
    expect(toAmountString(centsOf("-5.05"))).toBe("-5.05");
  });

  it("formats per locale", () => {
    expect(formatMoney(123456, "en")).toBe("1,234.56");
    expect(formatMoney(123456, "ru").replace(/\s/g, " ")).toBe("1 234,56");
  });
});
