import { screen } from "@testing-library/react";
import userEvent from "@testing-library/user-event";
import i18n from "@/app/i18n";
import { CancelBet } from "./CancelBet";
import { renderAt, stubFetch } from "./testing";

const refused = {
  status: 409,
  body: {
    error: {
      code: "bet.event_started",
      message: "A leg's event has started.",
      details: { event_id: "e1" },
    },
  },
};

afterEach(async () => {
  vi.unstubAllGlobals();
  await i18n.changeLanguage("en");
});

async function cancel() {
  await userEvent.click(screen.getByRole("button", { name: /cancel bet|отменить ставку/i }));
  await userEvent.click(screen.getByRole("button", { name: /yes, cancel it|да, отменить/i }));
}

describe("cancelling a bet", () => {
  it("asks first, then shows the server's refusal in words", async () => {
    const requests = stubFetch(() => refused);
    renderAt(<CancelBet betId="b1" />);
    await cancel();
    expect(await screen.findByRole("alert")).toHaveTextContent(
      "This bet can no longer be cancelled: one of its events has already started.",
    );
    expect(requests.map((r) => [r.method, new URL(r.url).pathname])).toEqual([
      ["POST", "/api/bets/b1/cancel"],
    ]);
  });

  it("in Russian too", async () => {
    await i18n.changeLanguage("ru");
    stubFetch(() => refused);
    renderAt(<CancelBet betId="b1" />);
    await cancel();
    expect(await screen.findByRole("alert")).toHaveTextContent(
      "Эту ставку уже нельзя отменить: одно из её событий началось.",
    );
  });

  it("says the stake is back when the server cancels it", async () => {
    stubFetch(() => ({ body: { success: true, bet: { bet_id: "b1", status: "cancelled" } } }));
    renderAt(<CancelBet betId="b1" />);
    await cancel();
    expect(await screen.findByRole("status")).toHaveTextContent(
      "The bet is cancelled; the stake is back in your balance.",
    );
  });
});
