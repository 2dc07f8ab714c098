import "../test/relativeRequests";
import { screen } from "@testing-library/react";
import userEvent from "@testing-library/user-event";
import type { WithdrawalLimits } from "../model/limits";
import type { WithdrawalMethod } from "../model/types";
import { answer, renderPage, serve } from "../test/harness";
import { WithdrawForm } from "./WithdrawForm";
import { WithdrawPanel } from "./WithdrawPanel";

const limits: WithdrawalLimits = {
  min: 1_000,
  max: 10_000_000,
  // As the API counts it: 30 000.00 completed + 19 000.00 pending today.
  daily: { limit: 5_000_000, used: 4_900_000, remaining: 100_000 },
};
const methods: WithdrawalMethod[] = [
  {
    method_id: "m1",
    withdrawal_type: "bank_transfer",
    destination: "DE89 **** 3000",
    account_holder_name: "Ann",
    bank_name: null,
    is_verified: true,
    verification_status: "verified",
    is_default: true,
  },
  {
    method_id: "m2",
    withdrawal_type: "bank_transfer",
    destination: "FR76 **** 0189",
    account_holder_name: "Ann",
    bank_name: null,
    is_verified: false,
    verification_status: "pending",
    is_default: false,
  },
];

afterEach(() => vi.unstubAllGlobals());

describe("the withdraw form", () => {
  it("shows the daily limit used and remaining, and refuses more than remains", async () => {
    const sent = serve(() => undefined);
    renderPage(<WithdrawForm available={9_000_000} limits={limits} methods={methods} />);
    expect(
      await screen.findByText(
        /Daily limit \$50,000\.00 · used today \$49,000\.00 · remaining \$1,000\.00/,
      ),
    ).toBeInTheDocument();
    await userEvent.type(screen.getByLabelText("Amount"), "1500");
    await userEvent.click(screen.getByRole("button", { name: "Request withdrawal" }));
    expect(await screen.findByText("Only $1,000.00 left of today's limit.")).toBeInTheDocument();
    expect(sent.filter((r) => r.url.includes("/withdraw"))).toEqual([]);
  });

  it("refuses more than the available balance and names an unverified account", async () => {
    serve(() => undefined);
    renderPage(<WithdrawForm available={2_000} limits={limits} methods={methods} />);
    await userEvent.type(await screen.findByLabelText("Amount"), "25");
    await userEvent.click(screen.getByRole("button", { name: "Request withdrawal" }));
    expect(
      await screen.findByText("More than your available balance ($20.00)."),
    ).toBeInTheDocument();
    await userEvent.selectOptions(screen.getByLabelText("To"), "m2");
    expect(screen.getByText(/not verified yet/)).toBeInTheDocument();
  });
});

describe("the withdraw panel", () => {
  it("shows the API's limits and asks for them again after a withdrawal", async () => {
    let used = "0.00";
    let remaining = "50000.00";
    const sent = serve((r) => {
      if (r.url.endsWith("/api/wallet/withdrawal-limits")) {
        return answer(200, {
          success: true,
          limits: {
            min: "10.00",
            max: "100000.00",
            daily_limit: "50000.00",
            used_today: used,
            remaining,
            currency: "USD",
          },
        });
      }
      if (r.url.endsWith("/api/wallet/withdrawal-methods")) {
        return answer(200, { success: true, methods });
      }
      if (r.url.includes("/api/wallet/withdrawals")) {
        return answer(200, { success: true, withdrawals: [] });
      }
      if (r.url.endsWith("/api/wallet/withdraw") && r.method === "POST") {
        used = "40.00";
        remaining = "49960.00";
        return answer(201, { success: true, withdrawal: {}, new_balance: "60.00" });
      }
      return undefined;
    });
    renderPage(<WithdrawPanel />);
    expect(
      await screen.findByText(/Daily limit \$50,000\.00 · used today \$0\.00 · remaining/),
    ).toBeInTheDocument();
    await userEvent.type(screen.getByLabelText("Amount"), "40");
    await userEvent.click(screen.getByRole("button", { name: "Request withdrawal" }));
    expect(
      await screen.findByText(/used today \$40\.00 · remaining \$49,960\.00/),
    ).toBeInTheDocument();
    const asked = sent.filter((r) => r.url.endsWith("/api/wallet/withdrawal-limits"));
    expect(asked.length).toBeGreaterThanOrEqual(2);
  });
});
