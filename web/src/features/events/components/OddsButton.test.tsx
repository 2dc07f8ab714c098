import { render, screen } from "@testing-library/react";
import userEvent from "@testing-library/user-event";
import { betSlip } from "@/features/betslip";
import { preferences } from "@/shared/preferences/preferences";
import type { Odd } from "../model/types";
import { OddsButton } from "./OddsButton";

const event = { event_id: "e1", event_name: "Chelsea – Liverpool", status: "scheduled" as const };

function odd(coefficient: number | string, status = "open"): Odd {
  return {
    odds_id: "o1",
    market_id: "m1",
    market_type: "1x2",
    market: "1X2",
    line: null,
    bet_type: "1",
    coefficient,
    version: 1,
    status,
    market_status: "open",
    market_live_betting: false,
    outcome: null,
  } as Odd;
}

describe("OddsButton", () => {
  beforeEach(() => {
    betSlip.dispatch({ type: "clear" });
    preferences.apply({ language: "en", odds_format: "decimal" });
  });

  it("adds and removes its selection, showing the pressed state", async () => {
    const user = userEvent.setup();
    render(<OddsButton event={event} odd={odd(1.85)} />);
    const button = screen.getByRole("button", { name: /1, 1\.85/ });
    expect(button).toHaveAttribute("aria-pressed", "false");
    await user.click(button);
    expect(button).toHaveAttribute("aria-pressed", "true");
    expect(betSlip.get().selections[0]).toMatchObject({ odds_id: "o1", price: "1.85" });
    await user.click(button);
    expect(betSlip.get().selections).toHaveLength(0);
  });

  it("flashes up and down with an arrow when the price moves", () => {
    const { rerender } = render(<OddsButton event={event} odd={odd(1.85)} />);
    rerender(<OddsButton event={event} odd={odd("1.950")} />);
    expect(screen.getByRole("button", { name: /1\.95, price up/ })).toBeInTheDocument();
    expect(screen.getByText("▲")).toBeInTheDocument();
    rerender(<OddsButton event={event} odd={odd(1.7)} />);
    expect(screen.getByRole("button", { name: /1\.70, price down/ })).toBeInTheDocument();
    expect(screen.getByText("▼")).toBeInTheDocument();
  });

  it("shows the user's odds format and keeps a suspended selection, locked", () => {
    preferences.apply({ odds_format: "fractional" });
    render(<OddsButton event={event} odd={odd(2.5, "suspended")} />);
    const button = screen.getByRole("button", { name: /3\/2, Suspended/ });
    expect(button).toBeDisabled();
  });
});
