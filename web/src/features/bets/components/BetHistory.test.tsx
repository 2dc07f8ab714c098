import { fireEvent, screen, waitFor } from "@testing-library/react";
import userEvent from "@testing-library/user-event";
import { bet } from "../model/testBets";
import { BetHistory } from "./BetHistory";
import { renderAt, stubFetch } from "./testing";

const page = {
  bets: [{ ...bet("b1", "won", "100.00", "190.00", "2026-12-01T12:00:00Z"), currency: "USD" }],
  pagination: { total: 1, limit: 20, offset: 0, current_page: 1, total_pages: 1 },
};

function historyQueries(requests: Request[]): URLSearchParams[] {
  return requests
    .map((request) => new URL(request.url))
    .filter((url) => url.pathname === "/api/bets/history")
    .map((url) => url.searchParams);
}

afterEach(() => vi.unstubAllGlobals());

describe("the history filters", () => {
  it("ask for the chosen status and the local days as [from, day after to)", async () => {
    const requests = stubFetch(() => ({ body: page }));
    renderAt(<BetHistory />);
    expect(await screen.findByText("event-b1")).toBeInTheDocument();
    expect(Object.fromEntries(historyQueries(requests)[0] ?? [])).toEqual({
      limit: "20",
      offset: "0",
    });

    await userEvent.click(screen.getByRole("button", { name: "Won" }));
    expect(screen.getByRole("button", { name: "Won" })).toHaveAttribute("aria-pressed", "true");
    await waitFor(() => expect(historyQueries(requests).at(-1)?.get("status")).toBe("won"));

    fireEvent.change(screen.getByLabelText("From"), { target: { value: "2026-12-01" } });
    fireEvent.change(screen.getByLabelText("To"), { target: { value: "2026-12-07" } });
    await waitFor(() =>
      expect(Object.fromEntries(historyQueries(requests).at(-1) ?? [])).toEqual({
        status: "won",
        date_from: new Date(2026, 11, 1).toISOString(),
        date_to: new Date(2026, 11, 8).toISOString(),
        limit: "20",
        offset: "0",
      }),
    );

    await userEvent.click(screen.getByRole("button", { name: "All" }));
    await waitFor(() => expect(historyQueries(requests).at(-1)?.has("status")).toBe(false));
  });

  it("say an inverted range is wrong instead of asking for it", async () => {
    const requests = stubFetch(() => ({ body: page }));
    renderAt(<BetHistory />, "/bets?from=2026-12-05&to=2026-12-01");
    expect(await screen.findByText("The end date is before the start date.")).toBeInTheDocument();
    await waitFor(() => expect(historyQueries(requests)).toHaveLength(1));
    expect(historyQueries(requests)[0]?.has("date_to")).toBe(false);
  });

  it("show the bet's row: stake, payout and status in words", async () => {
    stubFetch(() => ({ body: page }));
    renderAt(<BetHistory />);
    const link = await screen.findByRole("link", { name: "event-b1" });
    expect(link).toHaveAttribute("href", "/bets/b1");
    expect(screen.getByText("$100.00")).toBeInTheDocument();
    expect(screen.getByText("+$190.00")).toBeInTheDocument();
    expect(screen.getAllByText("Won").length).toBeGreaterThan(1); // the tab and the badge
  });

  it("says so when there are no bets", async () => {
    stubFetch(() => ({
      body: { ...page, bets: [], pagination: { ...page.pagination, total: 0 } },
    }));
    renderAt(<BetHistory />);
    expect(await screen.findByText(/You have no bets yet/)).toBeInTheDocument();
  });
});
