import { screen } from "@testing-library/react";
import userEvent from "@testing-library/user-event";
import { act } from "react";
import { preferences } from "@/shared/preferences/preferences";
import { renderPage } from "../test/harness";
import { RealityCheckCard } from "./RealityCheckCard";

afterEach(() => preferences.apply({ reality_check_minutes: null }));

describe("the reality-check setting", () => {
  it("offers off and 15 to 120 minutes, and applies the choice to the preference", async () => {
    const user = userEvent.setup();
    renderPage(<RealityCheckCard />);
    const select = screen.getByLabelText("Remind me every");
    expect(select).toHaveValue("off");
    expect([...(select as HTMLSelectElement).options].map((option) => option.text)).toEqual([
      "Off",
      "15 minutes",
      "30 minutes",
      "45 minutes",
      "60 minutes",
      "90 minutes",
      "120 minutes",
    ]);
    await user.selectOptions(select, "30 minutes");
    expect(preferences.get().reality_check_minutes).toBe(30);
    expect(screen.getByRole("status")).toHaveTextContent("Reality checks every 30 minutes.");
    await user.selectOptions(select, "Off");
    expect(preferences.get().reality_check_minutes).toBeNull();
    expect(screen.getByRole("status")).toHaveTextContent("Reality checks are off.");
  });

  it("shows an interval the account has from elsewhere, and speaks Russian", () => {
    act(() => preferences.apply({ reality_check_minutes: 21 }));
    renderPage(<RealityCheckCard />, "ru");
    const select = screen.getByLabelText("Напоминать каждые");
    expect(select).toHaveValue("21");
    const texts = [...(select as HTMLSelectElement).options].map((option) => option.text);
    expect(texts).toEqual([
      "Выключено",
      "15 минут",
      "21 минута",
      "30 минут",
      "45 минут",
      "60 минут",
      "90 минут",
      "120 минут",
    ]);
  });
});
