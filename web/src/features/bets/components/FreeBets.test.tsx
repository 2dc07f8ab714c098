import { render, screen, within } from "@testing-library/react";
import { MemoryRouter } from "react-router";
import { bet } from "../model/testBets";
import { BetDetail } from "./BetDetail";
import { BetHistory } from "./BetHistory";
import { StatsSummary } from "./StatsSummary";
import { renderAt, stubFetch } from "./testing";

// 5.00 staked with a free bet at 1.85: a payout of 9.25, of which the winnings are 4.25.
const wonFree = {
  ...bet("f1", "won", "5.00", "9.25", "2026-12-02T12:00:00Z"),
  potential_win: "9.25",
  free_bet: true,
};
const openOwn = { ...bet("m1", "open", "10.00", null, null), potential_win: "18.50" };

const stats = {
  total_bets: 3,
  wins: 2,
  losses: 1,
  win_rate: "66.67",
  total_bet: "20.00",
  total_won: "42.25",
  net_profit: "22.25",
  roi_percent: "111.25",
  average_stake: "10.00",
  biggest_win: "38.00",
  biggest_loss: "10.00",
};
const streaks = { current: 1, longestWin: 1, longestLoss: 1 };

afterEach(() => vi.unstubAllGlobals());

describe("free bets in my bets", () => {
  it("carry a Free bet badge in the history, and a won one shows its winnings", async () => {
    stubFetch(() => ({
      body: {
        bets: [wonFree, openOwn],
        pagination: { total: 2, limit: 20, offset: 0, current_page: 1, total_pages: 1 },
      },
    }));
    renderAt(<BetHistory />);
    const free = (await screen.findByRole("link", { name: "event-f1" })).closest("tr");
    const own = screen.getByRole("link", { name: "event-m1" }).closest("tr");
    expect(within(free as HTMLElement).getByText("Free bet")).toBeInTheDocument();
    expect(within(free as HTMLElement).getByText("Winnings")).toBeInTheDocument();
    expect(within(free as HTMLElement).getByText("+$4.25")).toBeInTheDocument();
    expect(within(own as HTMLElement).queryByText("Free bet")).not.toBeInTheDocument();
    expect(within(own as HTMLElement).getByText("$18.50")).toBeInTheDocument();
  });

  it("say so on the bet's page, with the winnings only", () => {
    render(
      <MemoryRouter>
        <BetDetail bet={wonFree} />
      </MemoryRouter>,
    );
    expect(screen.getByText("Free bet")).toBeInTheDocument();
    expect(screen.getByText(/a win pays only the winnings/)).toBeInTheDocument();
    expect(screen.getByText("+$4.25")).toBeInTheDocument();
    expect(screen.queryByText("+$9.25")).not.toBeInTheDocument();
  });
});

describe("free bets in the statistics", () => {
  it("show their count and winnings when there are some", () => {
    render(
      <StatsSummary
        stats={{ ...stats, free_bets: 1, free_bet_winnings: "4.25" }}
        streaks={streaks}
        currency="USD"
      />,
    );
    const count = screen.getByText("Free bets").closest("div") as HTMLElement;
    expect(within(count).getByText("1")).toBeInTheDocument();
    const winnings = screen.getByText("Free-bet winnings").closest("div") as HTMLElement;
    expect(within(winnings).getByText("$4.25")).toBeInTheDocument();
  });

  it("leave them out at zero", () => {
    render(
      <StatsSummary
        stats={{ ...stats, free_bets: 0, free_bet_winnings: "0.00" }}
        streaks={streaks}
        currency="USD"
      />,
    );
    expect(screen.queryByText("Free bets")).not.toBeInTheDocument();
    expect(screen.queryByText("Free-bet winnings")).not.toBeInTheDocument();
  });
});
