import { render, screen } from "@testing-library/react";
import i18n from "@/app/i18n";
import { AdminReadout } from "./AdminReadout";

describe("the admin's view of a user's responsible gambling", () => {
  it("shows the restriction as final, the limits with their pending change, and no action", () => {
    void i18n.changeLanguage("en");
    render(
      <AdminReadout
        data={{
          restriction: {
            restriction: { kind: "self_exclusion", until: "2031-06-01T00:00:00+00:00" },
            history: [],
          },
          depositLimits: [
            {
              period: "day",
              amount: "100.00",
              pending: { amount: null, effective_at: "2030-01-02T00:00:00+00:00" },
              used: "40.00",
            },
          ],
          lossLimits: [{ period: "week", amount: "250.00", pending: null, loss: "10.00" }],
          changes: [
            {
              kind: "loss",
              period: "week",
              from: null,
              to: "250.00",
              effective_at: "2030-01-01T00:00:00+00:00",
              created_at: "2030-01-01T00:00:00+00:00",
            },
          ],
        }}
      />,
    );
    expect(screen.getByText(/^Self-excluded until /)).toBeInTheDocument();
    expect(screen.getByText("Cannot be lifted early, by anyone.")).toBeInTheDocument();
    expect(screen.getByText(/^Removed from /)).toBeInTheDocument();
    expect(screen.getByText("250.00")).toBeInTheDocument();
    expect(screen.getByText(/Loss limits, weekly: none → 250\.00/)).toBeInTheDocument();
    expect(screen.queryByRole("button")).toBeNull();
  });
});
