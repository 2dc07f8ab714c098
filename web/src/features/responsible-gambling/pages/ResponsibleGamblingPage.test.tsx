import { screen, waitFor, within } from "@testing-library/react";
import userEvent from "@testing-library/user-event";
import { afterEach, vi } from "vitest";
import { session } from "@/shared/session/session";
import { answer, NO_LIMITS, renderPage, row, serve, signIn, type Sent } from "../test/harness";
import { ResponsibleGamblingPage } from "./ResponsibleGamblingPage";

afterEach(() => {
  vi.unstubAllGlobals();
  session.signedOut();
});

const NONE = { restriction: null, history: [] };

/** The page's reads: the restriction, the wallet's deposit limits, bets' loss limits. */
function reads(deposits: () => unknown[], restriction: () => unknown = () => NONE) {
  return (r: Sent) => {
    if (r.method !== "GET") return undefined;
    if (r.path === "/api/auth/responsible-gambling") return answer(200, restriction());
    if (r.path === "/api/wallet/limits")
      return answer(200, { success: true, deposit_limits: deposits(), restriction: null });
    if (r.path === "/api/bets/limits")
      return answer(200, { success: true, limits: NO_LIMITS, restriction: null });
    return undefined;
  };
}

/** The element around `inner` that matches `selector` (a card's section, a period's item). */
function around(inner: HTMLElement, selector: string): HTMLElement {
  const found = inner.closest<HTMLElement>(selector);
  if (!found) throw new Error(`nothing matches ${selector} around the element`);
  return found;
}

const depositCard = () =>
  around(screen.getByRole("heading", { name: "Deposit limits" }), "section");
const daily = async (card: HTMLElement) =>
  around(await within(card).findByRole("heading", { name: "Daily (24 hours)" }), "li");

describe("the responsible gambling page", () => {
  it("sets a first deposit limit at once, after a confirmation, with an Idempotency-Key", async () => {
    signIn();
    let limits = NO_LIMITS;
    const read = reads(() => limits);
    const sent = serve((r) => {
      if (r.method === "PUT" && r.path === "/api/wallet/limits/deposit") {
        limits = [row("day", "100.00"), row("week", null), row("month", null)];
        return answer(200, { success: true, deposit_limits: limits, restriction: null });
      }
      return read(r);
    });
    const user = userEvent.setup();
    renderPage(<ResponsibleGamblingPage />);
    const day = await daily(await waitFor(depositCard));
    expect(await within(day).findByText("No limit")).toBeInTheDocument();
    await user.type(within(day).getByLabelText("New daily limit"), "100");
    await user.click(within(day).getByRole("button", { name: "Set limit" }));
    expect(sent.filter((r) => r.method === "PUT")).toHaveLength(0);
    const question = within(day).getByRole("group", {
      name: "Set a daily deposit limit of 100.00? It applies at once.",
    });
    await user.click(within(question).getByRole("button", { name: "Set limit" }));
    await waitFor(() => expect(sent.filter((r) => r.method === "PUT")).toHaveLength(1));
    const put = sent.find((r) => r.method === "PUT");
    expect(put?.body).toEqual({ period: "day", amount: "100.00" });
    expect(put?.idempotencyKey).toMatch(/^[0-9a-f-]{36}$/);
    expect(await screen.findByText("Your daily deposit limit is now 100.00.")).toBeVisible();
    expect(await within(day).findByText("100.00")).toBeInTheDocument();
  });

  it("says a raise waits 24 hours, and shows it pending with its time", async () => {
    signIn();
    let limits = [row("day", "100.00"), row("week", null), row("month", null)];
    const read = reads(() => limits);
    serve((r) => {
      if (r.method === "PUT" && r.path === "/api/wallet/limits/deposit") {
        limits = [
          row("day", "100.00", { amount: "200.00", effective_at: "2026-12-08T12:00:00+00:00" }),
          row("week", null),
          row("month", null),
        ];
        return answer(200, { success: true, deposit_limits: limits, restriction: null });
      }
      return read(r);
    });
    const user = userEvent.setup();
    renderPage(<ResponsibleGamblingPage />);
    const day = await daily(await waitFor(depositCard));
    await within(day).findByText("100.00");
    await user.type(within(day).getByLabelText("New daily limit"), "200");
    await user.click(within(day).getByRole("button", { name: "Change limit" }));
    const question = within(day).getByRole("group", {
      name: /^Raise your daily deposit limit from 100\.00 to 200\.00\? For your protection it takes effect in 24 hours/,
    });
    await user.click(within(question).getByRole("button", { name: "Change limit" }));
    expect(await within(day).findByText(/^200\.00 from /)).toBeInTheDocument();
    expect(
      screen.getByText(/Your change to the daily deposit limit takes effect at/),
    ).toBeVisible();
  });

  it("shows a refusal in words and a field problem before sending anything", async () => {
    signIn();
    const read = reads(() => NO_LIMITS);
    const sent = serve((r) =>
      r.method === "PUT"
        ? answer(403, {
            error: { code: "bet.account_restricted", message: "raw", details: { until: "x" } },
          })
        : read(r),
    );
    const user = userEvent.setup();
    renderPage(<ResponsibleGamblingPage />);
    const lossCard = around(await screen.findByRole("heading", { name: "Loss limits" }), "section");
    const day = await daily(lossCard);
    await within(day).findByText("No limit");
    await user.type(within(day).getByLabelText("New daily limit"), "0");
    await user.click(within(day).getByRole("button", { name: "Set limit" }));
    expect(within(day).getByRole("alert")).toHaveTextContent("A limit must be above zero.");
    await user.clear(within(day).getByLabelText("New daily limit"));
    await user.type(within(day).getByLabelText("New daily limit"), "25");
    await user.click(within(day).getByRole("button", { name: "Set limit" }));
    const question = within(day).getByRole("group", { name: /^Set a daily loss limit of 25\.00/ });
    await user.click(within(question).getByRole("button", { name: "Set limit" }));
    expect(sent.find((r) => r.method === "PUT")?.path).toBe("/api/bets/limits/loss");
    expect(
      await within(lossCard).findByText(/Betting is paused on your account by your time-out/),
    ).toBeInTheDocument();
  });

  it("takes a time-out and then shows the banner with its end", async () => {
    signIn();
    let overview: unknown = NONE;
    const read = reads(
      () => NO_LIMITS,
      () => overview,
    );
    const sent = serve((r) => {
      if (r.method === "POST" && r.path === "/api/auth/responsible-gambling/time-out") {
        const taken = {
          kind: "time_out",
          until: "2030-01-02T10:00:00+00:00",
          created_at: "2030-01-01T10:00:00+00:00",
        };
        overview = { restriction: taken, history: [taken] };
        return answer(201, overview);
      }
      return read(r);
    });
    const user = userEvent.setup();
    renderPage(<ResponsibleGamblingPage />);
    await user.click(await screen.findByRole("button", { name: "Take a time-out" }));
    const question = screen.getByRole("group", { name: /^Take a time-out of 24 hours/ });
    await user.click(within(question).getByRole("button", { name: "Take a time-out" }));
    await waitFor(() => expect(sent.find((r) => r.method === "POST")?.body).toEqual({ days: 1 }));
    expect(sent.find((r) => r.method === "POST")?.idempotencyKey).toMatch(/^[0-9a-f-]{36}$/);
    expect(await screen.findByText(/^You are on a time-out until /)).toBeInTheDocument();
    expect(screen.getByText(/^Your time-out runs until /)).toBeInTheDocument();
    expect(screen.getByText(/^Time-out: taken /)).toBeInTheDocument();
  });

  it("shows auth's refusal of a shorter restriction in words", async () => {
    signIn();
    const read = reads(() => NO_LIMITS);
    serve((r) =>
      r.method === "POST"
        ? answer(409, {
            error: { code: "auth.restriction_shorter", message: "raw", details: null },
          })
        : read(r),
    );
    const user = userEvent.setup();
    renderPage(<ResponsibleGamblingPage />, "ru");
    await user.click(await screen.findByRole("button", { name: "Исключить себя" }));
    const question = screen.getByRole("group", { name: /^Исключить себя на 6 месяцев/ });
    await user.click(within(question).getByRole("button", { name: "Исключить себя" }));
    expect(
      await screen.findByText(/Действующий перерыв или самоисключение нельзя сократить/),
    ).toBeInTheDocument();
  });
});
