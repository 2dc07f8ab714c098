import { anyInProgress, defaultExport, exportSchema, periodDays, type Report } from "./reports";

describe("the export form's rules", () => {
  const base = defaultExport(new Date("2026-12-07T03:00:00Z"));

  it("defaults to the API's last 30 days, today included", () => {
    expect(base).toMatchObject({ date_from: "2026-11-08", date_to: "2026-12-07", format: "csv" });
    expect(periodDays(base.date_from, base.date_to)).toBe(30);
  });

  it.each([
    [{ date_from: "2026-12-07", date_to: "2026-12-01" }, "toBeforeFrom"],
    [{ date_from: "2025-01-01", date_to: "2026-01-02" }, "tooLong"],
    [{ include_bets: false, include_transactions: false, include_statistics: false }, "noSection"],
  ])("refuses %j (%s)", (change, message) => {
    const result = exportSchema.safeParse({ ...base, ...change });
    expect(result.success).toBe(false);
    expect(result.error?.issues.map((issue) => issue.message)).toEqual([message]);
  });

  it("takes a full leap year (366 days)", () => {
    expect(
      exportSchema.safeParse({ ...base, date_from: "2024-01-01", date_to: "2024-12-31" }).success,
    ).toBe(true);
  });

  it("polls while a report is pending", () => {
    expect(anyInProgress([{ status: "ready" }, { status: "pending" }] as Report[])).toBe(true);
    expect(anyInProgress([{ status: "failed" }] as Report[])).toBe(false);
  });
});
