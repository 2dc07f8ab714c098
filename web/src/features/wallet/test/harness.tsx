/** Tests only: the API answered by a function of the request, and a page-like render. */
import { QueryClient, QueryClientProvider } from "@tanstack/react-query";
import { render } from "@testing-library/react";
import type { ReactNode } from "react";
import { MemoryRouter } from "react-router";

export function answer(status: number, body: unknown): Response {
  return new Response(JSON.stringify(body), {
    status,
    headers: { "content-type": "application/json" },
  });
}

export interface Sent {
  url: string;
  method: string;
  body: string;
}

export const BALANCE = {
  success: true,
  balance: {
    currency: "USD",
    current_balance: "125.00",
    available_balance: "100.00",
    locked_in_bets: "25.00",
    pending_withdrawals: "0.00",
    pending_deposits: "0.00",
    debt: "0.00",
  },
};

/** Every fetch goes to `route` (the balance is answered unless it says otherwise). */
export function serve(route: (request: Sent) => Response | undefined): Sent[] {
  const sent: Sent[] = [];
  vi.stubGlobal(
    "fetch",
    vi.fn(async (input: Request | string, init?: RequestInit) => {
      const request = typeof input === "string" ? new Request(input, init) : input;
      const seen = { url: request.url, method: request.method, body: await request.text() };
      sent.push(seen);
      const routed = route(seen);
      if (routed) return routed;
      if (seen.url.endsWith("/api/wallet/balance")) return answer(200, BALANCE);
      return answer(404, { error: { code: "not_found", message: "no" } });
    }),
  );
  return sent;
}

export function renderPage(ui: ReactNode) {
  const client = new QueryClient({ defaultOptions: { queries: { retry: false } } });
  return render(
    <QueryClientProvider client={client}>
      <MemoryRouter>{ui}</MemoryRouter>
    </QueryClientProvider>,
  );
}
