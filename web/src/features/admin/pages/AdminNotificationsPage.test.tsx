import { screen, waitFor, within } from "@testing-library/react";
import userEvent from "@testing-library/user-event";
import { afterEach, vi } from "vitest";
import { TestPostbackCard } from "../components/TestPostbackCard";
import { deliveryFigures } from "../model/notifications";
import { renderAdmin, stubFetch } from "../test/render";
import { Component as AdminNotificationsPage } from "./AdminNotificationsPage";

afterEach(() => vi.unstubAllGlobals());

const FAILED = {
  id: "d-1",
  kind: "deposit",
  channel: "telegram",
  subject: "Deposit received",
  status: "failed",
  created_at: "2026-12-07T10:00:00Z",
  sent_at: null,
  user_id: "6f1c2a9e-0000-4000-8000-000000000001",
  template: "deposit",
  language: "en",
  attempts: 8,
  last_error: "chat not found",
  next_attempt_at: "2026-12-07T10:00:00Z",
};

describe("the figures of the last 24 hours", () => {
  it("sum by status and by channel", () => {
    const figures = deliveryFigures([
      { status: "sent", channel: "email", count: 5 },
      { status: "sent", channel: "telegram", count: 2 },
      { status: "failed", channel: "telegram", count: 1 },
    ]);
    expect(figures.total).toBe(8);
    expect(figures.byStatus).toEqual({ pending: 0, sent: 7, failed: 1 });
    expect(figures.byChannel).toEqual({ email: 5, telegram: 3 });
    expect(figures.cell.sent).toEqual({ email: 5, telegram: 2 });
  });
});

describe("the admin's notifications page", () => {
  it("shows the figures, filters, and retries a failed delivery after a confirmation", async () => {
    let status = "failed";
    const calls = stubFetch((call) => {
      if (call.url.includes("/admin/stats")) {
        return {
          status: 200,
          body: {
            since: "2026-12-06T10:00:00Z",
            counts: [
              { status: "sent", channel: "email", count: 5 },
              { status: "failed", channel: "telegram", count: 1 },
            ],
          },
        };
      }
      if (call.method === "POST") {
        status = "pending";
        return { status: 200, body: { ...FAILED, status } };
      }
      return { status: 200, body: { items: [{ ...FAILED, status }] } };
    });
    const user = userEvent.setup();
    renderAdmin(<AdminNotificationsPage />);
    const figures = await screen.findByRole("region", { name: "Deliveries in the last 24 hours" });
    expect(within(figures).getByText("Last 24 hours").nextSibling).toHaveTextContent("6");
    expect(within(figures).getByText("Email 0 · Telegram 1")).toBeInTheDocument();

    await user.selectOptions(screen.getByLabelText("Channel"), "telegram");
    await waitFor(() => expect(calls.some((c) => c.url.includes("channel=telegram"))).toBe(true));
    const row = await screen.findByRole("row", { name: /Deposit received/ });
    expect(within(row).getByText("Last error: chat not found")).toBeInTheDocument();
    await user.click(within(row).getByRole("button", { name: "Retry" }));
    expect(calls.filter((c) => c.method === "POST")).toHaveLength(0);
    const question = within(row).getByRole("group");
    expect(question).toHaveTextContent(/Send “Deposit received” again\?/);
    await user.click(within(question).getByRole("button", { name: "Retry" }));
    await waitFor(() =>
      expect(calls.filter((c) => c.method === "POST").map((c) => c.url)).toEqual([
        expect.stringMatching(/\/api\/notifications\/admin\/deliveries\/d-1\/retry$/),
      ]),
    );
    expect(await within(row).findByText("Pending")).toBeInTheDocument();
  });
});

describe("a test postback", () => {
  it("shows the status code, the latency and that it was not delivered", async () => {
    const calls = stubFetch(() => ({
      status: 200,
      body: {
        postback_id: "p-1",
        url: "http://127.0.0.1:9/x",
        status_code: null,
        error: "ConnectError",
        latency_ms: 3,
        delivered: false,
      },
    }));
    const user = userEvent.setup();
    renderAdmin(<TestPostbackCard partnerId="acme" />);
    await user.selectOptions(screen.getByLabelText("Event"), "first_deposit");
    await user.click(screen.getByRole("button", { name: "Send test postback" }));
    expect(await screen.findByText("Not delivered.")).toBeInTheDocument();
    expect(screen.getByText("No answer")).toBeInTheDocument();
    expect(screen.getByText("3 ms")).toBeInTheDocument();
    expect(screen.getByText("ConnectError")).toBeInTheDocument();
    expect(calls[0]?.body).toEqual({ event: "first_deposit" });
    expect(calls[0]?.url).toMatch(/\/api\/partners\/admin\/partners\/acme\/test-postback$/);
  });

  it("says a missing template in words", async () => {
    stubFetch(() => ({
      status: 422,
      body: { error: { code: "partners.no_template", message: "no", details: null } },
    }));
    const user = userEvent.setup();
    renderAdmin(<TestPostbackCard partnerId="acme" />);
    await user.click(screen.getByRole("button", { name: "Send test postback" }));
    expect(
      await screen.findByText("This partner has no postback URL for that event. Add one first."),
    ).toBeInTheDocument();
  });
});
