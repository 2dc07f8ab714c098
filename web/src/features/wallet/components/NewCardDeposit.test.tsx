import "../test/relativeRequests";
import { screen, waitFor } from "@testing-library/react";
import userEvent from "@testing-library/user-event";
import { answer, renderPage, serve } from "../test/harness";
import { NewCardDeposit } from "./NewCardDeposit";

const FORM = {
  success: true,
  action: "requires_payment_form",
  client_secret: "pi_1_secret_2",
  intent_id: "pi_1",
  operation_id: "op-1",
  amount: "50.00",
  currency: "USD",
  publishable_key: "pk_test_looseline_simulator",
  // The wallet's STRIPE_BROWSER_API_BASE: the card goes there, and nowhere else.
  stripe_api_base: "http://sim.test:4242/",
};

afterEach(() => vi.unstubAllGlobals());

describe("deposit by a new card", () => {
  it("refuses a malformed or too small amount before asking the API", async () => {
    const sent = serve(() => undefined);
    renderPage(<NewCardDeposit />);
    const amount = await screen.findByLabelText("Amount");
    await userEvent.type(amount, "abc");
    await userEvent.click(screen.getByRole("button", { name: "Continue to card" }));
    expect(await screen.findByText("Enter an amount like 25 or 25.50.")).toBeInTheDocument();
    await userEvent.clear(amount);
    await userEvent.type(amount, "0.50");
    await userEvent.click(screen.getByRole("button", { name: "Continue to card" }));
    expect(await screen.findByText("The least is $1.00.")).toBeInTheDocument();
    expect(amount).toHaveAttribute("aria-invalid", "true");
    expect(sent.filter((r) => r.url.includes("/api/wallet/deposit"))).toEqual([]);
  });

  it("shows the API's refusal next to the amount in words", async () => {
    serve((r) =>
      r.url.endsWith("/api/wallet/deposit")
        ? answer(403, { error: { code: "account.unverified", message: "x" } })
        : undefined,
    );
    renderPage(<NewCardDeposit />);
    await userEvent.type(await screen.findByLabelText("Amount"), "50");
    await userEvent.click(screen.getByRole("button", { name: "Continue to card" }));
    const alert = await screen.findByRole("alert");
    expect(alert).toHaveTextContent("Confirm your email address first");
    expect(alert.textContent).not.toContain("account.unverified");
  });

  it("checks the card, confirms at the simulator only, and shows a decline in words", async () => {
    const sent = serve((r) => {
      if (r.url.endsWith("/api/wallet/deposit")) return answer(200, FORM);
      if (r.url.includes("/v1/payment_intents/pi_1/confirm")) {
        return answer(402, {
          error: { type: "card_error", code: "card_declined", decline_code: "insufficient_funds" },
        });
      }
      return undefined;
    });
    renderPage(<NewCardDeposit />);
    await userEvent.type(await screen.findByLabelText("Amount"), "50");
    await userEvent.click(screen.getByRole("button", { name: "Continue to card" }));

    const number = await screen.findByLabelText("Card number");
    await userEvent.type(number, "4242 4242 4242 4241");
    await userEvent.type(screen.getByLabelText("Expiry (MM/YY)"), "01/20");
    await userEvent.type(screen.getByLabelText("CVC"), "12");
    await userEvent.click(screen.getByRole("button", { name: "Pay $50.00" }));
    expect(await screen.findByText("Check the card number.")).toBeInTheDocument();
    expect(screen.getByText("Enter a valid expiry date, e.g. 08/29.")).toBeInTheDocument();
    expect(screen.getByText("3 or 4 digits.")).toBeInTheDocument();

    await userEvent.clear(number);
    await userEvent.type(number, "4000 0000 0000 9995");
    await userEvent.clear(screen.getByLabelText("Expiry (MM/YY)"));
    await userEvent.type(screen.getByLabelText("Expiry (MM/YY)"), "12/34");
    await userEvent.type(screen.getByLabelText("CVC"), "3");
    await userEvent.click(screen.getByRole("button", { name: "Pay $50.00" }));

    expect(
      await screen.findByText("The card was declined: not enough money on it."),
    ).toBeInTheDocument();
    const confirm = sent.find((r) => r.url.includes("/confirm"));
    expect(confirm?.url).toBe("http://sim.test:4242/v1/payment_intents/pi_1/confirm");
    const form = new URLSearchParams(confirm?.body);
    expect(form.get("key")).toBe("pk_test_looseline_simulator");
    expect(form.get("client_secret")).toBe("pi_1_secret_2");
    expect(form.get("payment_method_data[card][number]")).toBe("4000000000009995");
    // The card never goes to our API.
    const ours = sent.filter((r) => r.url.includes("/api/"));
    expect(ours.some((r) => r.body.includes("9995"))).toBe(false);
    await waitFor(() => expect(screen.getByLabelText("Card number")).toHaveValue(""));
  });

  it("says card payments are not set up when a simulator key comes without its address", async () => {
    const sent = serve((r) =>
      r.url.endsWith("/api/wallet/deposit")
        ? answer(200, { ...FORM, stripe_api_base: null })
        : undefined,
    );
    renderPage(<NewCardDeposit />);
    await userEvent.type(await screen.findByLabelText("Amount"), "50");
    await userEvent.click(screen.getByRole("button", { name: "Continue to card" }));
    expect(await screen.findByRole("alert")).toHaveTextContent(
      "Card payments are not set up on this server",
    );
    expect(screen.queryByLabelText("Card number")).not.toBeInTheDocument();
    expect(sent.filter((r) => r.url.includes("/confirm"))).toEqual([]);
  });
});
