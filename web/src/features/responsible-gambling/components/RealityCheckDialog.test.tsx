import { act, screen, waitFor } from "@testing-library/react";
import userEvent from "@testing-library/user-event";
import { Route, Routes } from "react-router";
import { vi } from "vitest";
import type { RealityCheck } from "@/features/live";
import { renderPage } from "../test/harness";
import { RealityCheckDialog } from "./RealityCheckDialog";

// 1 h 30 min played; 25.00 staked, 12.50 back: net −12.50 (the issue's own example).
const CHECK: RealityCheck = {
  session_started_at: "2026-12-07T10:00:00+00:00",
  played_s: 5_400,
  stakes_minor: 2_500,
  returns_minor: 1_250,
  net_minor: -1_250,
  currency: "EUR",
  bets_placed: 3,
  bets_settled: 2,
};

function show(check: RealityCheck, language: "en" | "ru" = "en", onClose = vi.fn()) {
  renderPage(
    <Routes>
      <Route path="/" element={<RealityCheckDialog check={check} onClose={onClose} />} />
      <Route path="/profile/responsible-gambling" element={<h1>RG page</h1>} />
      <Route path="/bets" element={<h1>Bet history</h1>} />
    </Routes>,
    language,
  );
  return onClose;
}

describe("the reality-check dialog", () => {
  it("says the time played and the money in English", () => {
    show(CHECK);
    const dialog = screen.getByRole("dialog", { name: "Reality check" });
    expect(dialog).toHaveAttribute("aria-modal", "true");
    expect(dialog).toHaveTextContent("You have been playing for 1 h 30 min.");
    expect(dialog).toHaveTextContent("Staked €25.00, returned €12.50, net -€12.50.");
    expect(dialog).toHaveTextContent("Bets placed: 3; settled: 2.");
    expect(dialog).toHaveAccessibleDescription(/You have been playing for 1 h 30 min\./);
    expect(screen.getByRole("link", { name: "See my bet history" })).toHaveAttribute(
      "href",
      "/bets",
    );
  });

  it("says them in Russian", () => {
    show(CHECK, "ru");
    const dialog = screen.getByRole("dialog", { name: "Проверка реальности" });
    expect(dialog).toHaveTextContent("Вы играете уже 1 ч 30 мин.");
    // Russian amounts: a decimal comma, the sign after a no-break space.
    expect(dialog.textContent).toContain(
      "Поставлено 25,00\u00a0€, получено обратно 12,50\u00a0€, итог -12,50\u00a0€.",
    );
    expect(screen.getByRole("button", { name: "Продолжить" })).toBeInTheDocument();
    expect(screen.getByRole("link", { name: "Сделать перерыв" })).toBeInTheDocument();
  });

  it("shows a win with its plus, minutes alone under an hour, and no currency before a bet", () => {
    show({
      ...CHECK,
      played_s: 899,
      stakes_minor: 1_000,
      returns_minor: 1_850,
      net_minor: 850,
      bets_placed: 1,
      bets_settled: 1,
    });
    const dialog = screen.getByRole("dialog");
    expect(dialog).toHaveTextContent("You have been playing for 14 min.");
    expect(dialog).toHaveTextContent("Staked €10.00, returned €18.50, net +€8.50.");
  });

  it("says the figures without a currency when the session has had no bet", () => {
    show({ ...CHECK, stakes_minor: 0, returns_minor: 0, net_minor: 0, currency: null });
    expect(screen.getByRole("dialog")).toHaveTextContent("Staked 0.00, returned 0.00, net 0.00.");
  });

  it("is answered by keyboard: focus on Continue, kept inside, Escape continues", async () => {
    const user = userEvent.setup();
    const onClose = show(CHECK);
    const continueButton = screen.getByRole("button", { name: "Continue" });
    expect(continueButton).toHaveFocus();
    await user.tab();
    expect(screen.getByRole("link", { name: "Take a break" })).toHaveFocus();
    await user.tab(); // round to the first control: the bet history link
    expect(screen.getByRole("link", { name: "See my bet history" })).toHaveFocus();
    await user.tab({ shift: true });
    expect(screen.getByRole("link", { name: "Take a break" })).toHaveFocus();
    expect(onClose).not.toHaveBeenCalled();
    await user.keyboard("{Escape}");
    expect(onClose).toHaveBeenCalledTimes(1);
    await user.click(continueButton);
    expect(onClose).toHaveBeenCalledTimes(2);
  });

  it("leaves the rest of the page inert while open", () => {
    const page = document.createElement("div");
    page.id = "app";
    document.body.append(page);
    try {
      show(CHECK);
      expect(page).toHaveAttribute("inert");
    } finally {
      page.remove();
    }
  });

  it("takes a break: to the responsible gambling page, the dialog closed", async () => {
    const user = userEvent.setup();
    const onClose = show(CHECK);
    await user.click(screen.getByRole("link", { name: "Take a break" }));
    expect(onClose).toHaveBeenCalledTimes(1);
    expect(await screen.findByRole("heading", { name: "RG page" })).toBeInTheDocument();
  });
});

describe("the Shell's reality checks", () => {
  it("open the dialog on a check from the stream and close it on Continue", async () => {
    const { RealityChecks } = await import("./RealityChecks");
    const { publishRealityCheck } = await import("@/features/live/model/realityCheck");
    const user = userEvent.setup();
    renderPage(<RealityChecks />);
    expect(screen.queryByRole("dialog")).toBeNull();
    act(() => publishRealityCheck(CHECK));
    const dialog = await screen.findByRole("dialog", { name: "Reality check" });
    expect(dialog).toHaveTextContent("1 h 30 min");
    await user.click(screen.getByRole("button", { name: "Continue" }));
    await waitFor(() => expect(screen.queryByRole("dialog")).toBeNull());
  });
});
