import { render, screen, within } from "@testing-library/react";
import { MemoryRouter } from "react-router";
import i18n from "@/app/i18n";
import type { PartnerStats } from "../api/partners";
import { PartnerStatsTable } from "./PartnerStatsTable";

const STATS: PartnerStats[] = [
  {
    partner_id: "onewin",
    registrations: 1234,
    first_deposits: 617,
    conversion: "0.5000",
    deposits_sum: { USD: "10250.50" },
    outbound: { delivered: 3, failed: 1, pending: 2 },
    inbound: { accepted: 5, rejected: 0 },
  },
];

function show(language: "en" | "ru") {
  void i18n.changeLanguage(language);
  return render(
    <MemoryRouter>
      <PartnerStatsTable stats={STATS} />
    </MemoryRouter>,
  );
}

afterEach(() => void i18n.changeLanguage("en"));

describe("the partners' figures", () => {
  it("in English: counts, conversion as a percentage, the deposits' sum, both directions", () => {
    show("en");
    const row = screen.getByRole("row", { name: /onewin/ });
    const cells = within(row)
      .getAllByRole("cell")
      .map((cell) => cell.textContent);
    expect(cells).toEqual([
      "1,234",
      "617",
      "50%",
      "$10,250.50",
      "3 delivered · 1 failed · 2 pending",
      "5 accepted · 0 rejected",
    ]);
    expect(within(row).getByRole("link", { name: "onewin" })).toHaveAttribute(
      "href",
      "/admin/partners/onewin",
    );
    expect(screen.getByRole("columnheader", { name: "Conversion" })).toBeInTheDocument();
  });

  it("in Russian", () => {
    show("ru");
    const row = screen.getByRole("row", { name: /onewin/ });
    const cells = within(row)
      .getAllByRole("cell")
      .map((cell) => cell.textContent?.replace(/\s/g, " "));
    expect(cells).toEqual([
      "1 234",
      "617",
      "50 %",
      "10 250,50 $",
      "доставлено 3 · ошибок 1 · ожидает 2",
      "принято 5 · отклонено 0",
    ]);
    expect(screen.getByRole("columnheader", { name: "Конверсия" })).toBeInTheDocument();
  });

  it("says when there is nothing yet", () => {
    void i18n.changeLanguage("en");
    render(
      <MemoryRouter>
        <PartnerStatsTable stats={[]} />
      </MemoryRouter>,
    );
    expect(screen.getByText("No figures yet.")).toBeInTheDocument();
  });
});
