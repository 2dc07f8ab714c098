import { screen, waitFor } from "@testing-library/react";
import userEvent from "@testing-library/user-event";
import { afterEach } from "vitest";
import { vi } from "vitest";
import { renderAdmin, stubFetch } from "../test/render";
import { SettleForm } from "./SettleForm";

afterEach(() => vi.unstubAllGlobals());

describe("the settle form", () => {
  it("refuses scores that are not whole numbers and sends nothing", async () => {
    const calls = stubFetch(() => ({ status: 200, body: {} }));
    const user = userEvent.setup();
    renderAdmin(<SettleForm eventId="e1" />);
    await user.type(screen.getByLabelText("Home score"), "-1");
    await user.type(screen.getByLabelText("Away score"), "2.5");
    await user.click(screen.getByRole("button", { name: "Settle" }));
    expect(await screen.findAllByText("Enter a whole number of 0 or more.")).toHaveLength(2);
    expect(screen.getByLabelText("Home score")).toHaveAttribute("aria-invalid", "true");
    expect(calls).toHaveLength(0);
  });

  it("requires both scores and caps them at 10 000", async () => {
    stubFetch(() => ({ status: 200, body: {} }));
    const user = userEvent.setup();
    renderAdmin(<SettleForm eventId="e1" />);
    await user.type(screen.getByLabelText("Home score"), "10001");
    await user.click(screen.getByRole("button", { name: "Settle" }));
    expect(await screen.findByText("A score is at most 10 000.")).toBeInTheDocument();
    expect(screen.getByText("Fill this in.")).toBeInTheDocument();
  });

  it("asks once more, then settles with the score", async () => {
    const calls = stubFetch(() => ({ status: 200, body: { event: {}, settlement: {} } }));
    const user = userEvent.setup();
    renderAdmin(<SettleForm eventId="e1" />);
    await user.type(screen.getByLabelText("Home score"), "2");
    await user.type(screen.getByLabelText("Away score"), "1");
    await user.click(screen.getByRole("button", { name: "Settle" }));
    expect(screen.getByText(/Settle at 2:1\?/)).toBeInTheDocument();
    expect(calls).toHaveLength(0);
    await user.click(screen.getByRole("button", { name: "Settle" }));
    await waitFor(() => expect(calls).toHaveLength(1));
    expect(calls[0]?.url).toMatch(/\/api\/events\/e1\/settle$/);
    expect(calls[0]?.body).toEqual({ home_score: 2, away_score: 1, reason: null, force: false });
  });

  it("resettles only with a reason, and shows the API's refusal in words", async () => {
    const calls = stubFetch(() => ({
      status: 409,
      body: { error: { code: "events.transition_not_allowed", message: "no", details: null } },
    }));
    const user = userEvent.setup();
    renderAdmin(<SettleForm eventId="e1" resettle />);
    await user.type(screen.getByLabelText("Home score"), "1");
    await user.type(screen.getByLabelText("Away score"), "1");
    await user.click(screen.getByRole("button", { name: "Resettle" }));
    expect(await screen.findByText("Give a reason.")).toBeInTheDocument();
    await user.type(screen.getByLabelText("Reason"), "VAR correction");
    await user.click(screen.getByRole("button", { name: "Resettle" }));
    await user.click(screen.getByRole("button", { name: "Resettle" }));
    await waitFor(() => expect(calls).toHaveLength(1));
    expect(calls[0]?.body).toMatchObject({ force: true, reason: "VAR correction" });
    const alert = await screen.findByRole("alert");
    expect(alert.textContent).not.toBe("");
    expect(alert.textContent).not.toMatch(/no$/);
  });
});
