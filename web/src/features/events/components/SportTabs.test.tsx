import { QueryClient, QueryClientProvider } from "@tanstack/react-query";
import { render, screen } from "@testing-library/react";
import { preferences } from "@/shared/preferences/preferences";
import { SportTabs } from "./SportTabs";

const sports = [
  { id: 1, slug: "football", name: "Football", icon: "⚽", live_count: 2, upcoming_count: 45 },
  { id: 2, slug: "tennis", name: "Tennis", icon: "🎾", live_count: 0, upcoming_count: 0 },
  { id: 3, slug: "hockey", name: "Hockey", icon: "🏒", live_count: 0, upcoming_count: 1234 },
];

function renderTabs(value: string | null) {
  const client = new QueryClient();
  client.setQueryData(["events", "sports"], { sports });
  render(
    <QueryClientProvider client={client}>
      <SportTabs value={value} onChange={() => undefined} panelId="panel" />
    </QueryClientProvider>,
  );
  return screen.getAllByRole("tab").map((tab) => tab.textContent);
}

describe("SportTabs", () => {
  beforeEach(() => preferences.apply({ language: "en" }));

  it("counts live and upcoming events per sport and in all, in the locale", () => {
    expect(renderTabs(null)).toEqual(["All 1,281", "⚽ Football 47", "🏒 Hockey 1,234"]);
  });

  it("hides a sport with nothing to bet on unless it is the one chosen", () => {
    expect(renderTabs("tennis")).toContain("🎾 Tennis 0");
  });

  it("labels and formats the counts in Russian", () => {
    preferences.apply({ language: "ru" });
    const tabs = renderTabs(null);
    expect(tabs[0]).toMatch(/^Все 1\s281$/);
    expect(tabs).toHaveLength(3);
  });
});
