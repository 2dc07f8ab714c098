import { screen, waitFor } from "@testing-library/react";
import userEvent from "@testing-library/user-event";
import { afterEach, vi } from "vitest";
import { renderAdmin, stubFetch } from "../test/render";
import { CreatePlanForm } from "./CreatePlanForm";
import { CreatePackageForm } from "./CreatePackageForm";

afterEach(() => vi.unstubAllGlobals());

describe("a new plan", () => {
  it("is checked before anything is sent, then sent with a price string and seconds", async () => {
    const calls = stubFetch(() => ({ status: 201, body: { success: true, plan: { id: "p1" } } }));
    const user = userEvent.setup();
    renderAdmin(<CreatePlanForm />);
    await user.click(screen.getByRole("button", { name: "Create plan" }));
    expect(await screen.findAllByText("Fill this in.")).toHaveLength(2);
    expect(calls).toHaveLength(0);

    await user.type(screen.getByLabelText("Name"), "Pro Daily");
    await user.type(screen.getByLabelText("Price"), "19.5");
    await user.clear(screen.getByLabelText("Billing period"));
    await user.type(screen.getByLabelText("Billing period"), "2");
    await user.selectOptions(screen.getByLabelText("Unit"), "day");
    await user.type(screen.getByLabelText("Features"), "exports_plus");
    await user.click(screen.getByRole("button", { name: "Create plan" }));
    await waitFor(() => expect(calls).toHaveLength(1));
    expect(calls[0]?.url).toMatch(/\/api\/wallet\/admin\/plans$/);
    expect(calls[0]?.body).toEqual({
      name: "Pro Daily",
      description: "",
      price: "19.50",
      period_seconds: 172_800,
      features: ["exports_plus"],
    });
  });

  it("shows the API's refusal of a field next to it", async () => {
    stubFetch(() => ({
      status: 422,
      body: {
        error: {
          code: "validation_error",
          message: "bad",
          details: [
            { loc: ["body", "period_seconds"], msg: "too short", type: "greater_than_equal" },
          ],
        },
      },
    }));
    const user = userEvent.setup();
    renderAdmin(<CreatePlanForm />);
    await user.type(screen.getByLabelText("Name"), "Pro");
    await user.type(screen.getByLabelText("Price"), "1");
    await user.click(screen.getByRole("button", { name: "Create plan" }));
    expect(await screen.findByLabelText("Billing period")).toHaveAttribute("aria-invalid", "true");
  });
});

describe("a new package", () => {
  it("asks for a stake only for free bets", async () => {
    const calls = stubFetch(() => ({ status: 201, body: { success: true, package: { id: "k" } } }));
    const user = userEvent.setup();
    renderAdmin(<CreatePackageForm />);
    expect(screen.queryByLabelText("Stake of each free bet")).toBeNull();
    await user.selectOptions(screen.getByLabelText("Kind"), "free_bet");
    await user.type(screen.getByLabelText("Name"), "Three free bets");
    await user.type(screen.getByLabelText("Units"), "3");
    await user.type(screen.getByLabelText("Price"), "10");
    await user.click(screen.getByRole("button", { name: "Create package" }));
    expect(await screen.findByText(/needs a stake above zero/)).toBeInTheDocument();
    expect(calls).toHaveLength(0);
    await user.type(screen.getByLabelText("Stake of each free bet"), "5");
    await user.click(screen.getByRole("button", { name: "Create package" }));
    await waitFor(() => expect(calls).toHaveLength(1));
    expect(calls[0]?.body).toMatchObject({
      kind: "free_bet",
      units: 3,
      price: "10.00",
      stake: "5.00",
    });
  });
});
