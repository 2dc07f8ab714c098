import { screen, waitFor, within } from "@testing-library/react";
import userEvent from "@testing-library/user-event";
import { afterEach, vi } from "vitest";
import { answer, renderPage, serve, type Sent } from "../test/harness";
import { PackagesPage } from "./PackagesPage";

afterEach(() => {
  vi.unstubAllGlobals();
  vi.useRealTimers();
});

const TEN = {
  id: "pkg-10",
  name: "Ten tips",
  description: "Ten expert tips.",
  kind: "units",
  units: 10,
  price: "9.99",
  currency: "USD",
  validity_days: 30,
  stake: null,
};

const hours = (n: number) => new Date(Date.now() + n * 3600_000).toISOString();

function held(id: string, left: number, expiresAt: string) {
  return {
    purchase_id: id,
    package_id: "pkg-10",
    package_name: "Ten tips",
    kind: "units",
    order_id: `order-${id}`,
    units_total: 10,
    units_left: left,
    units_lapsed: 0,
    paid_at: "2026-12-01T00:00:00+00:00",
    expires_at: expiresAt,
    lapsed_at: null,
    state: "active",
  };
}

function reads(purchases: () => unknown[], orders: () => unknown[] = () => []) {
  return (r: Sent) => {
    if (r.method !== "GET") return undefined;
    if (r.path === "/api/wallet/packages") return answer(200, { success: true, packages: [TEN] });
    if (r.path === "/api/wallet/packages/mine")
      return answer(200, { success: true, purchases: purchases(), packages: [], totals: {} });
    if (r.path.startsWith("/api/wallet/packages/orders"))
      return answer(200, { success: true, orders: orders(), pagination: {} });
    return undefined;
  };
}

describe("the Packages page", () => {
  it("buys with the balance after a confirmation and shows the units with their expiry", async () => {
    let mine: unknown[] = [];
    const read = reads(() => mine);
    const sent = serve((r) => {
      if (r.method === "POST" && r.path === "/api/wallet/packages/pkg-10/buy") {
        mine = [held("p1", 10, hours(30 * 24))];
        return answer(201, { success: true, order: {}, purchase: {}, new_balance: "90.01" });
      }
      return read(r);
    });
    const user = userEvent.setup();
    renderPage(<PackagesPage />);
    const card = await screen.findByRole("article", { name: "Ten tips" });
    expect(within(card).getByText("10 units")).toBeInTheDocument();
    expect(within(card).getByText("valid for 30 days after purchase")).toBeInTheDocument();
    expect(await screen.findByText(/You have no units left/)).toBeInTheDocument();

    await user.click(within(card).getByRole("button", { name: "Buy with balance" }));
    expect(within(card).getByText(/Buy Ten tips for \$9\.99 from your balance\?/)).toBeVisible();
    await user.click(within(card).getByRole("button", { name: "Buy with balance" }));

    await waitFor(() => expect(sent.filter((r) => r.method === "POST")).toHaveLength(1));
    const post = sent.find((r) => r.method === "POST");
    expect(post?.body).toEqual({ method: "balance" });
    expect(post?.idempotencyKey).toBeTruthy();
    expect(await screen.findByText("10 units left")).toBeInTheDocument();
    expect(screen.getByText(/^expires /)).toBeInTheDocument();
    expect(screen.queryByText("Expires soon")).toBeNull();
  });

  it("lists purchases earliest expiry first and badges the one expiring within a day", async () => {
    serve(
      reads(() => [
        held("late", 6, hours(72)),
        held("soon", 2, hours(5)),
        held("gone", 9, hours(-1)),
      ]),
    );
    renderPage(<PackagesPage />);
    expect(await screen.findByText("8 units left")).toBeInTheDocument();
    const items = within(screen.getByRole("list", { name: /earliest expiry first/ })).getAllByRole(
      "listitem",
    );
    expect(items.map((li) => li.textContent?.slice(0, 7))).toEqual(["2 of 10", "6 of 10"]);
    expect(within(items[0] as HTMLElement).getByText("Expires soon")).toBeInTheDocument();
    expect(within(items[1] as HTMLElement).queryByText("Expires soon")).toBeNull();
  });

  it("sends a card purchase to Stripe Checkout's page", async () => {
    const assign = vi.fn();
    vi.stubGlobal("location", { ...window.location, assign });
    const read = reads(() => []);
    serve((r) => {
      if (r.method === "POST")
        return answer(201, {
          success: true,
          action: "redirect",
          order: {},
          confirmation_url: "https://checkout.test/pay/cs_1",
          session_id: "cs_1",
        });
      return read(r);
    });
    const user = userEvent.setup();
    renderPage(<PackagesPage />);
    const card = await screen.findByRole("article", { name: "Ten tips" });
    await user.click(within(card).getByRole("button", { name: "Buy by card" }));
    await user.click(within(card).getByRole("button", { name: "Buy by card" }));
    await waitFor(() => expect(assign).toHaveBeenCalledWith("https://checkout.test/pay/cs_1"));
  });

  it("shows the order log with each order's status in words", async () => {
    serve(
      reads(
        () => [],
        () => [
          {
            order_id: "o1",
            package_id: "pkg-10",
            package_name: "Ten tips",
            amount: "9.99",
            currency: "USD",
            method: "card",
            status: "pending",
            failure_reason: null,
            created_at: "2026-12-07T10:00:00+00:00",
            paid_at: null,
          },
        ],
      ),
    );
    renderPage(<PackagesPage />);
    const row = (await screen.findByText("Awaiting payment")).closest("tr") as HTMLElement;
    expect(within(row).getByText("Card")).toBeInTheDocument();
    expect(within(row).getByText("$9.99")).toBeInTheDocument();
  });
});
