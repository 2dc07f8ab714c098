import { render, screen, within } from "@testing-library/react";
import userEvent from "@testing-library/user-event";
import { vi } from "vitest";
import i18n from "@/app/i18n";
import { SelfExclusionCard } from "./SelfExclusionCard";
import { TimeOutCard } from "./TimeOutCard";

beforeEach(() => void i18n.changeLanguage("en"));

describe("the time-out's confirmation", () => {
  it("says the length, the end, what stops, what stays and that it is final; then takes it", async () => {
    const onTake = vi.fn();
    const user = userEvent.setup();
    render(<TimeOutCard current={null} busy={false} onTake={onTake} />);
    await user.click(screen.getByRole("radio", { name: "7 days" }));
    await user.click(screen.getByRole("button", { name: "Take a time-out" }));
    const question = screen.getByRole("group", { name: /^Take a time-out of 7 days, until / });
    expect(question).toHaveTextContent(/placing bets, deposits .* marketing messages/);
    expect(question).toHaveTextContent(/open bets settle as usual, .* withdraw your money/);
    expect(question).toHaveTextContent(/cannot be undone or shortened early/);
    expect(onTake).not.toHaveBeenCalled();
    await user.click(within(question).getByRole("button", { name: "Take a time-out" }));
    expect(onTake).toHaveBeenCalledWith(7);
  });

  it("takes a typed number of days, and says what is wrong with one out of range", async () => {
    const onTake = vi.fn();
    const user = userEvent.setup();
    render(<TimeOutCard current={null} busy={false} onTake={onTake} />);
    await user.click(screen.getByRole("radio", { name: "Another number of days" }));
    await user.type(screen.getByLabelText("Number of days (1–42)"), "43");
    await user.click(screen.getByRole("button", { name: "Take a time-out" }));
    expect(screen.getByRole("alert")).toHaveTextContent("A time-out is from 1 to 42 days.");
    expect(screen.queryByRole("group", { name: /^Take a time-out/ })).toBeNull();
    await user.clear(screen.getByLabelText("Number of days (1–42)"));
    await user.type(screen.getByLabelText("Number of days (1–42)"), "3");
    await user.click(screen.getByRole("button", { name: "Take a time-out" }));
    const question = screen.getByRole("group", { name: /^Take a time-out of 3 days, until / });
    await user.click(within(question).getByRole("button", { name: "Take a time-out" }));
    expect(onTake).toHaveBeenCalledWith(3);
  });

  it("is not offered when it would end before the restriction in force", () => {
    const current = { kind: "self_exclusion" as const, until: "2030-01-01T00:00:00+00:00" };
    render(<TimeOutCard current={current} busy={false} onTake={vi.fn()} />);
    expect(screen.getByRole("button", { name: "Take a time-out" })).toBeDisabled();
    expect(screen.getByText(/would end before your current self-exclusion/)).toBeInTheDocument();
  });
});

describe("the self-exclusion's confirmation", () => {
  it("says the years and the end with the consequences, then excludes for the months chosen", async () => {
    const onTake = vi.fn();
    const user = userEvent.setup();
    render(<SelfExclusionCard current={null} busy={false} onTake={onTake} />);
    await user.click(screen.getByRole("radio", { name: "5 years" }));
    await user.click(screen.getByRole("button", { name: "Exclude myself" }));
    const question = screen.getByRole("group", { name: /^Exclude yourself for 5 years, until / });
    expect(question).toHaveTextContent(/cannot be undone or shortened early/);
    await user.click(within(question).getByRole("button", { name: "Exclude myself" }));
    expect(onTake).toHaveBeenCalledWith(60);
  });
});
