import { render, screen } from "@testing-library/react";
import userEvent from "@testing-library/user-event";
import { vi } from "vitest";
import i18n from "@/app/i18n";
import { ConfirmStep } from "./ConfirmStep";

describe("a confirmation step", () => {
  it("is done with the keyboard: the question takes focus, Back returns it, Enter confirms", async () => {
    void i18n.changeLanguage("en");
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
});
