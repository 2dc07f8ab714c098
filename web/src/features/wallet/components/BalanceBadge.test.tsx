import "../test/relativeRequests";
import { screen } from "@testing-library/react";
import userEvent from "@testing-library/user-event";
import { renderPage, serve } from "../test/harness";
import { BalanceBadge } from "./BalanceBadge";
import { BalanceCard } from "./BalanceCard";

afterEach(() => vi.unstubAllGlobals());

describe("the balance badge", () => {
  it("shows the available balance and what is locked in bets on tap", async () => {
    serve(() => undefined);
    renderPage(<BalanceBadge />);
    const button = await screen.findByRole("button", { name: /Available.*\$100\.00/ });
    // The locked amount is the button's description, and its title, before any tap.
    expect(button).toHaveAccessibleDescription("Locked in bets: $25.00");
    expect(button).toHaveAttribute("title", "Locked in bets: $25.00");
    expect(button).toHaveAttribute("aria-expanded", "false");
    await userEvent.click(button);
    expect(button).toHaveAttribute("aria-expanded", "true");
    expect(screen.getByRole("status")).toHaveTextContent("Locked in bets: $25.00");
  });
});

describe("the balance card", () => {
  it("renders nothing for a visitor", () => {
    serve(() => undefined);
    const { container } = renderPage(<BalanceCard />);
    expect(container).toBeEmptyDOMElement();
  });
});
