import { screen, waitFor } from "@testing-library/react";
import userEvent from "@testing-library/user-event";
import { afterEach, vi } from "vitest";
import i18n from "@/app/i18n";
import { ApiError } from "@/shared/api/errors";
import { errorText } from "@/shared/ui";
import type { AdminWithdrawal } from "../api/types";
import { renderAdmin, stubFetch } from "../test/render";
import { WithdrawalRow } from "./WithdrawalRow";

afterEach(() => vi.unstubAllGlobals());

const pending: AdminWithdrawal = {
  operation_id: "op-1",
  user_id: "5f0c0000-0000-0000-0000-000000000001",
  amount: "250.00",
  currency: "USD",
  withdrawal_method_id: "m-1",
  status: "pending",
  reason: null,
  rejection_reason: null,
  created_at: "2026-12-01T10:00:00Z",
  decided_at: null,
  flags: ["withdrawal_velocity"],
  approvals: [],
  approvals_required: 1,
};

function renderRow() {
  return renderAdmin(
    <table>
      <tbody>
        <WithdrawalRow withdrawal={pending} />
      </tbody>
    </table>,
  );
}

describe("a withdrawal in the queue", () => {
  it("cannot be rejected without a reason", async () => {
    const calls = stubFetch(() => ({ status: 200, body: { withdrawal: pending } }));
    const user = userEvent.setup();
    renderRow();
    await user.click(screen.getByRole("button", { name: "Reject" }));
    await user.click(screen.getByRole("button", { name: "Reject" }));
    expect(await screen.findByText("Give a reason.")).toBeInTheDocument();
    expect(calls).toHaveLength(0);

    await user.type(screen.getByLabelText("Reason"), "Name does not match the account");
    await user.click(screen.getByRole("button", { name: "Reject" }));
    await waitFor(() => expect(calls).toHaveLength(1));
    expect(calls[0]?.url).toMatch(/\/api\/wallet\/admin\/withdrawals\/op-1\/reject$/);
    expect(calls[0]?.body).toEqual({ reason: "Name does not match the account" });
  });

  it("shows the four-eyes refusal of an approval in words", async () => {
    const refusal = {
      code: "wallet.four_eyes_own_operation",
      message: "another admin must do it",
      details: null,
    };
    const calls = stubFetch(() => ({ status: 403, body: { error: refusal } }));
    const user = userEvent.setup();
    renderRow();
    await user.click(screen.getByRole("button", { name: "Approve" }));
    expect(screen.getByText(/Approve this withdrawal\?/)).toBeInTheDocument();
    await user.click(screen.getByRole("button", { name: "Approve" }));
    await waitFor(() => expect(calls).toHaveLength(1));
    const expected = errorText(i18n.t, new ApiError(403, refusal.code, refusal.message));
    expect(await screen.findByRole("alert")).toHaveTextContent(expected);
    expect(expected).not.toBe(i18n.t("unknown", { ns: "errors" }));
  });
});
