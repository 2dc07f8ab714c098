import { decimalText, formatOdds, oddsThousandths, toAmerican, toFractional } from "./odds";

describe("decimalText", () => {
  it.each([
    ["2.5", "2.50"],
    ["2", "2.00"],
    ["1.850", "1.85"],
    ["1.855", "1.855"],
    [1.85, "1.85"],
    [6, "6.00"],
    ["1000", "1000.00"],
    [" 3.1 ", "3.10"],
  ])("%s → %s", (input, expected) => {
    expect(decimalText(input)).toBe(expected);
  });

  it("leaves what is not a price as it is", () => {
    expect(decimalText("abc")).toBe("abc");
    expect(oddsThousandths("1.00")).toBeNull();
    expect(oddsThousandths("0.5")).toBeNull();
    expect(oddsThousandths("1.8505")).toBeNull();
    expect(oddsThousandths("-2")).toBeNull();
  });
});

describe("toFractional", () => {
  it.each([
    // the ladder
    ["1.91", "10/11"],
    ["1.83", "5/6"],
    ["1.73", "8/11"],
    ["1.67", "2/3"],
    ["1.33", "1/3"],
    ["1.36", "4/11"],
    ["1.44", "4/9"],
    ["1.57", "4/7"],
    ["1.62", "8/13"],
    ["1.63", "5/8"],
    ["1.17", "1/6"],
    ["1.14", "1/7"],
    ["2.38", "11/8"],
    ["2.63", "13/8"],
    ["4.33", "10/3"],
    ["1.910", "10/11"],
    // exact reduced fractions
    ["1.5", "1/2"],
    ["1.50", "1/2"],
    ["2.00", "1/1"],
    ["2.50", "3/2"],
    ["3.00", "2/1"],
    ["2.75", "7/4"],
    ["1.25", "1/4"],
    ["1.20", "1/5"],
    ["1.10", "1/10"],
    ["1.85", "17/20"],
    ["2.10", "11/10"],
    ["3.95", "59/20"],
    ["6.0", "5/1"],
    ["11", "10/1"],
    ["1.01", "1/100"],
    ["1.909", "909/1000"],
    ["1.855", "171/200"],
  ])("%s → %s", (input, expected) => {
    expect(toFractional(input)).toBe(expected);
  });
});

describe("toAmerican", () => {
  it.each([
    ["2.00", "+100"],
    ["2.50", "+150"],
    ["3.00", "+200"],
    ["6.00", "+500"],
    ["2.10", "+110"],
    ["2.005", "+101"], // 100.5 rounds half up
    ["1.50", "\u2212200"],
    ["1.91", "\u2212110"], // 109.89
    ["1.25", "\u2212400"],
    ["1.80", "\u2212125"],
    ["1.333", "\u2212300"], // 300.3
    ["1.01", "\u221210000"],
    ["1.95", "\u2212105"], // 105.26
    ["1.85", "\u2212118"], // 117.65
  ])("%s → %s", (input, expected) => {
    expect(toAmerican(input)).toBe(expected);
  });
});

describe("formatOdds", () => {
  it("switches by format and accepts the API's numbers", () => {
    expect(formatOdds("2.5", "decimal")).toBe("2.50");
    expect(formatOdds("2.5", "fractional")).toBe("3/2");
    expect(formatOdds("2.5", "american")).toBe("+150");
    expect(formatOdds(1.91, "fractional")).toBe("10/11");
    expect(formatOdds("n/a", "american")).toBe("n/a");
  });
});
