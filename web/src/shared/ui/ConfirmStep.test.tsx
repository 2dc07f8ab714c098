import { render, screen } from "@testing-library/react";
import userEvent from "@testing-library/user-event";
import { vi } from "vitest";
import i18n from "@/app/i18n";
import { ConfirmStep } from "./ConfirmStep";

beforeEach(() => void i18n.changeLanguage("en"));

describe("a confirmation step", () => {
  it("is done with the keyboard: the question takes focus, Back returns it, Enter confirms", async () => {
    const onConfirm = vi.fn();
    const user = userEvent.setup();
    render(<ConfirmStep label="Subscribe" question="Pay $4.99 now?" onConfirm={onConfirm} />);

    await user.tab();
    expect(screen.getByRole("button", { name: "Subscribe" })).toHaveFocus();
    await user.keyboard("{Enter}");
    expect(screen.getByRole("group", { name: "Pay $4.99 now?" })).toBeInTheDocument();
    expect(screen.getByRole("button", { name: "Subscribe" })).toHaveFocus();
    expect(onConfirm).not.toHaveBeenCalled();

    await user.tab();
    expect(screen.getByRole("button", { name: "Back" })).toHaveFocus();
    await user.keyboard("{Enter}");
    expect(screen.queryByRole("group")).toBeNull();
    expect(screen.getByRole("button", { name: "Subscribe" })).toHaveFocus();

    await user.keyboard("{Enter}");
    await user.keyboard("{Enter}");
    expect(onConfirm).toHaveBeenCalledTimes(1);
  });

  it("asks before acting, by keyboard: focus to the question's button, Back returns it", async () => {
    const onConfirm = vi.fn();
    const user = userEvent.setup();
    render(<ConfirmStep label="Set limit" question="Set it?" onConfirm={onConfirm} />);
    await user.tab();
    await user.keyboard("{Enter}");
    expect(screen.getByRole("group", { name: "Set it?" })).toBeInTheDocument();
    expect(screen.getByRole("button", { name: "Set limit" })).toHaveFocus();
    await user.tab();
    await user.keyboard("{Enter}"); // Back
    expect(screen.queryByRole("group")).toBeNull();
    expect(screen.getByRole("button", { name: "Set limit" })).toHaveFocus();
    expect(onConfirm).not.toHaveBeenCalled();
    await user.keyboard("{Enter}");
    await user.keyboard("{Enter}");
    expect(onConfirm).toHaveBeenCalledTimes(1);
  });

  it("stays closed while the form is not ready", async () => {
    const user = userEvent.setup();
    render(
      <ConfirmStep label="Set limit" question="Set it?" ready={() => false} onConfirm={vi.fn()} />,
    );
    await user.click(screen.getByRole("button", { name: "Set limit" }));
    expect(screen.queryByRole("group")).toBeNull();
  });
});
