import {
  filtersFromSearch,
  historyQuery,
  rangeIsValid,
  searchFromFilters,
  startOfLocalDay,
} from "./filters";

describe("historyQuery", () => {
  it("asks for everything on page 1 with no filter", () => {
    expect(historyQuery({ status: "all", from: "", to: "" }, 1)).toEqual({ limit: 20, offset: 0 });
  });

  it.each([
    ["open", "open"],
    ["won", "won"],
    ["lost", "lost"],
    ["void", "void"],
  ] as const)("the %s tab asks status=%s", (tab, status) => {
    expect(historyQuery({ status: tab, from: "", to: "" }, 3)).toEqual({
      status,
      limit: 20,
      offset: 40,
    });
  });

  it("turns local days into [start of from, start of the day after to)", () => {
    const query = historyQuery({ status: "won", from: "2026-12-01", to: "2026-12-05" }, 1);
    expect(query.date_from).toBe(new Date(2026, 11, 1).toISOString());
    expect(query.date_to).toBe(new Date(2026, 11, 6).toISOString());
  });

  it("rolls a month end over", () => {
    expect(startOfLocalDay("2026-12-31", 1)).toBe(new Date(2027, 0, 1).toISOString());
    expect(startOfLocalDay("not a day")).toBeNull();
  });
});

describe("filters in the URL", () => {
  it("round-trips and drops what is not valid", () => {
    const filters = { status: "lost", from: "2026-11-01", to: "" } as const;
    const params = searchFromFilters(filters, 2);
    expect(params.toString()).toBe("status=lost&from=2026-11-01&page=2");
    expect(filtersFromSearch(params)).toEqual({ ...filters, page: 2 });
    expect(filtersFromSearch(new URLSearchParams("status=nope&from=x&page=-1"))).toEqual({
      status: "all",
      from: "",
      to: "",
      page: 1,
    });
  });

  it("knows an inverted range", () => {
    expect(rangeIsValid({ from: "2026-12-05", to: "2026-12-01" })).toBe(false);
    expect(rangeIsValid({ from: "2026-12-01", to: "" })).toBe(true);
  });
});
