import { QueryClient, QueryClientProvider } from "@tanstack/react-query";
import { render, screen, waitFor } from "@testing-library/react";
import userEvent from "@testing-library/user-event";
import { MemoryRouter } from "react-router";
import type { paths } from "@/shared/api/schema";
import { session } from "@/shared/session/session";
import { emptySlip } from "../model/slip";
import { betSlip } from "../model/store";
import { BetSlip } from "./BetSlip";

// The app calls relative URLs ("/api/…"), which Node's Request refuses: the same client with an
// origin, over the same authFetch (bearer token, refresh), talking to the stubbed fetch below.
vi.mock("@/shared/api/client", async (importOriginal) => {
  const real = await importOriginal<typeof import("@/shared/api/client")>();
  const { default: createClient } = await import("openapi-fetch");
  return {
    ...real,
    api: createClient<paths>({ baseUrl: "http://localhost", fetch: real.authFetch }),
  };
});

const EVENT = "1f91e8e4-ecd1-418d-8cc0-9ff3f0fe8fad";
const ODDS = "e55db763-473b-4979-90a5-31c0ac216f3a";

function json(status: number, body: unknown): Response {
  return new Response(JSON.stringify(body), {
    status,
    headers: { "content-type": "application/json" },
  });
}

const openBet = {
  bet_id: "b-1",
  bet_type: "single",
  status: "open",
  reason: null,
  bet_amount: "10.00",
  coefficient: "1.95",
  potential_win: "19.50",
};

describe("the accept-the-new-price prompt", () => {
  const sent: { body: Record<string, unknown>; key: string | null }[] = [];

  beforeEach(() => {
    sent.length = 0;
    session.signedIn({
      access_token: "token",
      refresh_token: "refresh",
      expires_in: 900,
      user: { id: "u1", email: "u@x.dev", name: "U", role: "user", is_verified: true },
    });
    betSlip.reset({
      ...emptySlip,
      selections: [
        {
          event_id: EVENT,
          odds_id: ODDS,
          event_name: "Juventus – Inter",
          market_type: "1x2",
          market: "1X2",
          line: null,
          bet_type: "X",
          price: "1.85",
        },
      ],
      stakes: { [ODDS]: "10" },
    });
    const answers = [
      json(409, {
        error: {
          code: "bet.odds_changed",
          message: "The coefficient is now 1.950.",
          details: {
            event_id: EVENT,
            odds_id: ODDS,
            expected_coefficient: "1.85",
            current_coefficient: "1.950",
          },
        },
      }),
      json(201, { success: true, bet: openBet }),
    ];
    vi.stubGlobal(
      "fetch",
      vi.fn(async (request: Request) => {
        // The slip reads the user's free bets: none here.
        if (request.method === "GET") return json(200, { purchases: [] });
        sent.push({
          body: (await request.clone().json()) as Record<string, unknown>,
          key: request.headers.get("Idempotency-Key"),
        });
        return answers.shift() ?? json(500, {});
      }),
    );
  });

  afterEach(() => {
    vi.unstubAllGlobals();
    session.signedOut();
  });

  it("shows the new price, updates the leg when accepted, and places at it", async () => {
    const user = userEvent.setup();
    render(
      <QueryClientProvider client={new QueryClient()}>
        <MemoryRouter>
          <BetSlip />
        </MemoryRouter>
      </QueryClientProvider>,
    );
    await user.click(screen.getByRole("button", { name: "Place bet" }));
    const prompt = await screen.findByText("The price has changed");
    expect(prompt).toBeInTheDocument();
    expect(sent[0]?.body).toMatchObject({ expected_coefficient: "1.85", bet_amount: "10.00" });

    await user.click(screen.getByRole("button", { name: "Accept new price" }));
    expect(betSlip.get().selections[0]?.price).toBe("1.95");
    expect(screen.queryByText("The price has changed")).not.toBeInTheDocument();

    await user.click(screen.getByRole("button", { name: "Place bet" }));
    await screen.findByText("Bet accepted");
    expect(sent[1]?.body).toMatchObject({ expected_coefficient: "1.95" });
    // Another body is another submission: a new Idempotency-Key.
    expect(sent[1]?.key).toBeTruthy();
    expect(sent[1]?.key).not.toBe(sent[0]?.key);
    await waitFor(() => expect(betSlip.get().selections).toHaveLength(0));
  });
});
