import { QueryClient, QueryClientProvider } from "@tanstack/react-query";
import { render, screen, waitFor, within } from "@testing-library/react";
import userEvent from "@testing-library/user-event";
import { MemoryRouter } from "react-router";
import i18n from "@/app/i18n";
import type { paths } from "@/shared/api/schema";
import { session } from "@/shared/session/session";
import { emptySlip, type SlipSelection } from "../model/slip";
import { betSlip } from "../model/store";
import { BetSlip } from "./BetSlip";

// Relative URLs are refused by Node's Request: the same client with an origin (as the prompt's
// test does), over the same authFetch, talking to the stubbed fetch below.
vi.mock("@/shared/api/client", async (importOriginal) => {
  const real = await importOriginal<typeof import("@/shared/api/client")>();
  const { default: createClient } = await import("openapi-fetch");
  return {
    ...real,
    api: createClient<paths>({ baseUrl: "http://localhost", fetch: real.authFetch }),
  };
});

function json(status: number, body: unknown): Response {
  return new Response(JSON.stringify(body), {
    status,
    headers: { "content-type": "application/json" },
  });
}

function leg(n: number, price: string): SlipSelection {
  return {
    event_id: `00000000-0000-4000-8000-00000000000${n}`,
    odds_id: `00000000-0000-4000-9000-00000000000${n}`,
    event_name: `Home ${n} – Away ${n}`,
    market_type: "1x2",
    market: "1X2",
    line: null,
    bet_type: "1",
    price,
  };
}

const FREE_PACKAGE = "11111111-1111-4111-8111-111111111111";
// The wallet's `mine` answer carries no stake per purchase: the catalogue's package gives it.
const purchase = {
  purchase_id: "p-1",
  package_id: FREE_PACKAGE,
  package_name: "Free bets x2",
  kind: "free_bet",
  order_id: "o-1",
  units_total: 2,
  units_left: 2,
  units_lapsed: 0,
  paid_at: "2026-12-07T10:00:00+00:00",
  expires_at: "2099-12-14T10:00:00+00:00",
  lapsed_at: null,
  state: "active",
};
const freePackage = {
  id: FREE_PACKAGE,
  name: "Free bets x2",
  description: "",
  kind: "free_bet",
  units: 2,
  price: "3.00",
  currency: "USD",
  validity_days: 7,
  stake: "5.00",
};

function bet(overrides: Record<string, unknown>) {
  return {
    bet_id: "b-1",
    bet_type: "single",
    status: "open",
    reason: null,
    bet_amount: "5.00",
    coefficient: "1.85",
    potential_win: "9.25",
    free_bet: true,
    ...overrides,
  };
}

interface Seen {
  method: string;
  path: string;
  body: Record<string, unknown> | null;
}

function serve(placed: () => Response): Seen[] {
  const seen: Seen[] = [];
  vi.stubGlobal(
    "fetch",
    vi.fn(async (request: Request) => {
      const text = await request.clone().text();
      const path = new URL(request.url).pathname;
      seen.push({
        method: request.method,
        path,
        body: text ? (JSON.parse(text) as Record<string, unknown>) : null,
      });
      if (path === "/api/wallet/packages/mine") return json(200, { purchases: [purchase] });
      if (path === "/api/wallet/packages") return json(200, { packages: [freePackage] });
      if (path.startsWith("/api/bets/place")) return placed();
      return json(404, { error: { code: "not_found", message: "no", details: null } });
    }),
  );
  return seen;
}

function renderSlip() {
  const client = new QueryClient({ defaultOptions: { queries: { retry: false } } });
  render(
    <QueryClientProvider client={client}>
      <MemoryRouter>
        <BetSlip />
      </MemoryRouter>
    </QueryClientProvider>,
  );
}

describe("the slip's free bet", () => {
  beforeEach(() => {
    void i18n.changeLanguage("en");
    session.signedIn({
      access_token: "token",
      refresh_token: "refresh",
      expires_in: 900,
      user: { id: "u1", email: "u@x.dev", name: "U", role: "user", is_verified: true },
    });
  });

  afterEach(() => {
    vi.unstubAllGlobals();
    session.signedOut();
    betSlip.reset(emptySlip);
  });

  it("sets the stake to the unit's, shows winnings only, restores the stake when off, and sends use_free_bet", async () => {
    betSlip.reset({
      ...emptySlip,
      selections: [leg(1, "1.85")],
      stakes: { [leg(1, "").odds_id]: "10" },
    });
    const seen = serve(() => json(201, { success: true, bet: bet({}) }));
    const user = userEvent.setup();
    renderSlip();

    const toggle = await screen.findByRole("checkbox", { name: "Use a free bet" });
    const stake = screen.getByLabelText("Stake");
    expect(stake).toHaveValue("10");
    expect(screen.queryByRole("radio")).not.toBeInTheDocument();

    // By keyboard: Tab reaches the toggle, Space turns it on.
    toggle.focus();
    await user.keyboard(" ");
    expect(toggle).toBeChecked();
    const choice = screen.getByRole("radio", { name: /^5\.00 × 2 left, expires / });
    expect(choice).toBeChecked();
    expect(stake).toHaveValue("5.00");
    expect(stake).toHaveAttribute("readonly");
    const totals = screen.getByText("Total stake").closest("dl") as HTMLElement;
    expect(within(totals).getByText("Free bet")).toBeInTheDocument();
    // 5.00 × 1.85 = 9.25; the winnings only: 9.25 − 5.00 = 4.25.
    expect(within(totals).getByText("Potential winnings")).toBeInTheDocument();
    expect(document.querySelector(".betslip-total-win")).toHaveTextContent("4.25");
    expect(screen.getByText(/pays only the winnings/)).toBeInTheDocument();

    await user.click(toggle);
    expect(stake).toHaveValue("10");
    expect(stake).not.toHaveAttribute("readonly");
    expect(document.querySelector(".betslip-total-win")).toHaveTextContent("18.50");

    await user.click(toggle);
    const minesBefore = seen.filter((s) => s.path === "/api/wallet/packages/mine").length;
    await user.click(screen.getByRole("button", { name: "Place bet" }));
    await screen.findByText("Bet accepted");
    const sent = seen.find((s) => s.path === "/api/bets/place");
    expect(sent?.body).toMatchObject({ bet_amount: "5.00", use_free_bet: true });
    // The units left are read again after placing; the next bet is not a free bet by itself.
    await waitFor(() =>
      expect(seen.filter((s) => s.path === "/api/wallet/packages/mine").length).toBeGreaterThan(
        minesBefore,
      ),
    );
    expect(betSlip.get().freeBet).toBeNull();
  });

  it("places a coupon with one free bet", async () => {
    betSlip.reset({ ...emptySlip, mode: "coupon", selections: [leg(1, "1.85"), leg(2, "1.50")] });
    const seen = serve(() =>
      json(201, { success: true, bet: bet({ bet_type: "coupon", coefficient: "2.78" }) }),
    );
    const user = userEvent.setup();
    renderSlip();
    await user.click(await screen.findByRole("checkbox", { name: "Use a free bet" }));
    expect(screen.getByLabelText("Accumulator stake")).toHaveValue("5.00");
    // 5.00 × 2.78 = 13.90; winnings 8.90.
    expect(document.querySelector(".betslip-total-win")).toHaveTextContent("8.90");
    await user.click(screen.getByRole("button", { name: "Place accumulator" }));
    await screen.findByText("Bet accepted");
    expect(seen.find((s) => s.path === "/api/bets/place-coupon")?.body).toMatchObject({
      bet_amount: "5.00",
      use_free_bet: true,
    });
  });

  it("holds back singles that need more units than the user has", async () => {
    betSlip.reset({
      ...emptySlip,
      selections: [leg(1, "1.85"), leg(2, "2.10"), leg(3, "3.00")],
    });
    const seen = serve(() => json(201, { success: true, bet: bet({}) }));
    const user = userEvent.setup();
    renderSlip();
    await user.click(await screen.findByRole("checkbox", { name: "Use a free bet" }));
    expect(screen.getByRole("alert")).toHaveTextContent("You have 2 free bets of 5.00");
    await user.click(screen.getByRole("button", { name: "Place 3 bets" }));
    expect(seen.some((s) => s.path.startsWith("/api/bets/place"))).toBe(false);
  });

  it("shows the words of a free_bet_unavailable rejection", async () => {
    betSlip.reset({ ...emptySlip, selections: [leg(1, "1.85")] });
    const rejected = bet({ status: "rejected", reason: "wallet.free_bet_unavailable" });
    serve(() =>
      json(409, {
        error: {
          code: "wallet.free_bet_unavailable",
          message: "no free bet",
          details: { bet: rejected },
        },
      }),
    );
    const user = userEvent.setup();
    renderSlip();
    await user.click(await screen.findByRole("checkbox", { name: "Use a free bet" }));
    await user.click(screen.getByRole("button", { name: "Place bet" }));
    await screen.findByText("Bet rejected");
    const words =
      "You have no free bet of this amount. Buy a free-bet package or choose its stake.";
    expect((await screen.findAllByText(words)).length).toBeGreaterThan(0);
  });

  it("is not offered without free bets", async () => {
    betSlip.reset({ ...emptySlip, selections: [leg(1, "1.85")] });
    vi.stubGlobal(
      "fetch",
      vi.fn(async () => json(200, { purchases: [] })),
    );
    renderSlip();
    await waitFor(() => expect(vi.mocked(fetch)).toHaveBeenCalled());
    expect(screen.queryByRole("checkbox", { name: "Use a free bet" })).not.toBeInTheDocument();
  });
});
