import { QueryClient, QueryClientProvider } from "@tanstack/react-query";
import { render, screen, waitFor } from "@testing-library/react";
import userEvent from "@testing-library/user-event";
import { ExportPanel } from "./ExportPanel";

const ready = {
  report_id: "r1",
  filename: "betting_report_2026_11_07-2026_12_06.pdf",
  format: "pdf",
  status: "ready",
  file_size: "12 KB",
  file_size_bytes: 12000,
  row_count: 4,
  date_from: "2026-11-07",
  date_to: "2026-12-06",
  created_at: "2026-12-06T10:00:00+00:00",
  ready_at: "2026-12-06T10:00:01+00:00",
  expires_at: "2026-12-13T10:00:00+00:00",
  download_url: "/api/wallet/reports/r1/download?exp=1&sig=abc",
  link_expires_at: "2026-12-06T10:15:00+00:00",
};

function answer(status: number, body: unknown): Response {
  return new Response(JSON.stringify(body), {
    status,
    headers: { "content-type": "application/json" },
  });
}

function setUp(onExport: (body: unknown) => Response) {
  const sent: unknown[] = [];
  vi.stubGlobal(
    "fetch",
    vi.fn(async (request: Request) => {
      if (request.method === "POST") {
        const body: unknown = await request.json();
        sent.push(body);
        return onExport(body);
      }
      return answer(200, { success: true, reports: [ready] });
    }),
  );
  const client = new QueryClient({ defaultOptions: { queries: { retry: false } } });
  render(
    <QueryClientProvider client={client}>
      <ExportPanel />
    </QueryClientProvider>,
  );
  return sent;
}

afterEach(() => vi.unstubAllGlobals());

describe("the export panel", () => {
  it("lists reports with a plain signed download link", async () => {
    setUp(() => answer(201, {}));
    const link = await screen.findByRole("link", { name: /Download PDF/ });
    expect(link).toHaveAttribute("href", ready.download_url);
    expect(link).toHaveAttribute("download", ready.filename);
    expect(screen.getByText("Ready")).toBeInTheDocument();
  });

  it("sends the seed's body: format, period and sections", async () => {
    const sent = setUp(() => answer(201, { success: true, report: { ...ready, report_id: "r2" } }));
    await userEvent.click(screen.getByRole("radio", { name: "PDF" }));
    await userEvent.click(screen.getByRole("checkbox", { name: "Transactions" }));
    await userEvent.click(screen.getByRole("button", { name: "Create report" }));
    await waitFor(() => expect(sent).toHaveLength(1));
    expect(sent[0]).toMatchObject({
      format: "pdf",
      include_bets: true,
      include_transactions: false,
      include_statistics: true,
    });
    const body = sent[0] as { date_from: string; date_to: string };
    expect(body.date_to).toBe(new Date().toISOString().slice(0, 10));
    expect(body.date_from < body.date_to).toBe(true);
  });

  it("says in words that too many reports are being prepared", async () => {
    setUp(() =>
      answer(429, {
        error: {
          code: "wallet.too_many_reports_in_progress",
          message: "Too many reports in progress.",
          details: { in_progress: 2, limit: 2 },
        },
      }),
    );
    await userEvent.click(await screen.findByRole("button", { name: "Create report" }));
    expect(await screen.findByRole("alert")).toHaveTextContent(
      "2 reports are already being prepared. Wait until one is ready, then try again.",
    );
  });

  it("checks the period and the sections before asking", async () => {
    const sent = setUp(() => answer(201, {}));
    for (const name of ["Bets", "Transactions", "Statistics"]) {
      await userEvent.click(screen.getByRole("checkbox", { name }));
    }
    await userEvent.click(screen.getByRole("button", { name: "Create report" }));
    expect(await screen.findByText("Choose at least one thing to include.")).toBeInTheDocument();
    expect(sent).toHaveLength(0);
  });
});
