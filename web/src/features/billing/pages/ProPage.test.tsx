import { screen, waitFor, within } from "@testing-library/react";
import userEvent from "@testing-library/user-event";
import { afterEach, vi } from "vitest";
import {
  answer,
  DAY_PLAN,
  HOUR_PLAN,
  renderPage,
  serve,
  subscriptionOf,
  type Sent,
} from "../test/harness";
import { ProPage } from "./ProPage";

afterEach(() => vi.unstubAllGlobals());

const NONE = { error: { code: "billing.no_subscription", message: "none", details: null } };
const CHARGES = {
  success: true,
  charges: [],
  pagination: { limit: 50, offset: 0, total_items: 0 },
};

/** The Pro page's reads; `subscription` answers GET /subscription (null: the 404 of none). */
function reads(subscription: () => unknown) {
  return (r: Sent) => {
    if (r.method !== "GET") return undefined;
    if (r.path === "/api/wallet/plans")
      return answer(200, { success: true, plans: [HOUR_PLAN, DAY_PLAN] });
    if (r.path === "/api/wallet/subscription") {
      const found = subscription();
      return found ? answer(200, { success: true, subscription: found }) : answer(404, NONE);
    }
    if (r.path.startsWith("/api/wallet/subscription/charges")) return answer(200, CHARGES);
    return undefined;
  };
}

describe("the Pro page", () => {
  it("shows each plan's price per period in words and subscribes after a confirmation", async () => {
    let current: unknown = null;
    const read = reads(() => current);
    const sent = serve((r) => {
      if (r.method === "POST" && r.path === "/api/wallet/subscription") {
        current = subscriptionOf("active");
        return answer(201, { success: true, subscription: current });
      }
      return read(r);
    });
    const user = userEvent.setup();
    renderPage(<ProPage />);

    expect(await screen.findByText("$4.99 per hour")).toBeInTheDocument();
    expect(screen.getByText("$99.00 per day")).toBeInTheDocument();
    expect(screen.getByText(/You are not subscribed to Pro/)).toBeInTheDocument();

    const hourly = screen.getByRole("article", { name: "Pro Hourly" });
    await user.click(within(hourly).getByRole("button", { name: "Subscribe" }));
    // Nothing is sent before the user confirms what it costs.
    expect(sent.filter((r) => r.method === "POST")).toHaveLength(0);
    expect(within(hourly).getByText(/\$4\.99 is taken from your balance now/)).toBeInTheDocument();
    await user.click(within(hourly).getByRole("button", { name: "Subscribe" }));

    await waitFor(() => expect(sent.filter((r) => r.method === "POST")).toHaveLength(1));
    const post = sent.find((r) => r.method === "POST");
    expect(post?.body).toEqual({ plan_id: "plan-hour" });
    expect(post?.idempotencyKey).toMatch(/^[0-9a-f-]{36}$/);
    expect(await screen.findByText("You are subscribed to Pro Hourly. Pro is on.")).toBeVisible();
    expect(await screen.findByText("Active")).toBeInTheDocument();
    expect(screen.getByText("Your plan")).toBeInTheDocument();
  });

  it("offers to switch an active subscription to another plan, with the refund explained", async () => {
    const read = reads(() => subscriptionOf("active"));
    const sent = serve((r) => {
      if (r.method === "POST" && r.path === "/api/wallet/subscription/plan")
        return answer(200, { success: true, subscription: subscriptionOf("active") });
      return read(r);
    });
    const user = userEvent.setup();
    renderPage(<ProPage />);
    const daily = await screen.findByRole("article", { name: "Pro Daily" });
    await user.click(within(daily).getByRole("button", { name: "Switch to this plan" }));
    expect(within(daily).getByText(/unused part of your current period/)).toBeInTheDocument();
    await user.click(within(daily).getByRole("button", { name: "Switch to this plan" }));
    await waitFor(() =>
      expect(sent.find((r) => r.path === "/api/wallet/subscription/plan")?.body).toEqual({
        plan_id: "plan-day",
      }),
    );
    expect(screen.getByText(/Next charge/)).toBeInTheDocument();
  });

  it("tells a suspended subscriber to top up, and resumes on request", async () => {
    const read = reads(() => subscriptionOf("suspended", false));
    const sent = serve((r) => {
      if (r.method === "POST" && r.path === "/api/wallet/subscription/resume")
        return answer(200, { success: true, subscription: subscriptionOf("active") });
      return read(r);
    });
    const user = userEvent.setup();
    renderPage(<ProPage />);
    const banner = await screen.findByRole("alert");
    expect(banner).toHaveTextContent(/could not pay the next period \(\$4\.99\)/);
    expect(within(banner).getByRole("link", { name: "Top up the wallet" })).toHaveAttribute(
      "href",
      "/wallet#deposit",
    );
    await user.click(screen.getByRole("button", { name: "Resume" }));
    await user.click(screen.getByRole("button", { name: "Resume" }));
    await waitFor(() =>
      expect(sent.filter((r) => r.path === "/api/wallet/subscription/resume")).toHaveLength(1),
    );
  });

  it("shows a refusal in words with the way to top up, and the charge log signed", async () => {
    const read = reads(() => null);
    serve((r) => {
      if (r.method === "POST")
        return answer(402, {
          error: {
            code: "billing.insufficient_funds",
            message: "raw",
            details: { price_minor: 499, available_minor: 100 },
          },
        });
      if (r.path.startsWith("/api/wallet/subscription/charges"))
        return answer(200, {
          success: true,
          charges: [
            {
              kind: "refund",
              subscription_id: "sub-1",
              plan_id: "plan-hour",
              period_number: 2,
              period_start: "2026-12-07T11:00:00+00:00",
              period_end: "2026-12-07T12:00:00+00:00",
              amount: "1.25",
              currency: "USD",
              created_at: "2026-12-07T11:15:00+00:00",
            },
            {
              kind: "charge",
              subscription_id: "sub-1",
              plan_id: "plan-hour",
              period_number: 2,
              period_start: "2026-12-07T11:00:00+00:00",
              period_end: "2026-12-07T12:00:00+00:00",
              amount: "-4.99",
              currency: "USD",
              created_at: "2026-12-07T10:59:30+00:00",
            },
          ],
          pagination: { limit: 50, offset: 0, total_items: 2 },
        });
      return read(r);
    });
    const user = userEvent.setup();
    renderPage(<ProPage />);
    expect(await screen.findByText("+$1.25")).toBeInTheDocument();
    expect(screen.getByText("-$4.99")).toBeInTheDocument();
    expect(screen.getByText("Refund (plan changed)")).toBeInTheDocument();

    const hourly = screen.getByRole("article", { name: "Pro Hourly" });
    await user.click(within(hourly).getByRole("button", { name: "Subscribe" }));
    await user.click(within(hourly).getByRole("button", { name: "Subscribe" }));
    expect(await screen.findByText(/Not enough money on your balance/)).toBeInTheDocument();
    expect(screen.getByRole("link", { name: "Top up the wallet" })).toBeInTheDocument();
  });

  it("says the price per period in Russian", async () => {
    serve(reads(() => null));
    renderPage(<ProPage />, "ru");
    expect(await screen.findByText(/4,99\s\$ в час/)).toBeInTheDocument();
    expect(screen.getByText(/99,00\s\$ в день/)).toBeInTheDocument();
  });
});
