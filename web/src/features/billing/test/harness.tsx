/** Tests only: the API answered by a function of the request, and a page-like render. */
import { QueryClient, QueryClientProvider } from "@tanstack/react-query";
import { render } from "@testing-library/react";
import type { ReactNode } from "react";
import { MemoryRouter } from "react-router";
import { vi } from "vitest";
import i18n from "@/app/i18n";

export function answer(status: number, body: unknown): Response {
  return new Response(JSON.stringify(body), {
    status,
    headers: { "content-type": "application/json" },
  });
}

export interface Sent {
  path: string;
  method: string;
  body: unknown;
  idempotencyKey: string | null;
}

/** Every fetch goes to `route` by method and path; anything it does not answer is a 404. */
export function serve(route: (request: Sent) => Response | undefined): Sent[] {
  const sent: Sent[] = [];
  vi.stubGlobal(
    "fetch",
    vi.fn(async (input: Request) => {
      const text = await input.text();
      const seen: Sent = {
        path: new URL(input.url).pathname + new URL(input.url).search,
        method: input.method,
        body: text ? (JSON.parse(text) as unknown) : null,
        idempotencyKey: input.headers.get("Idempotency-Key"),
      };
      sent.push(seen);
      return (
        route(seen) ?? answer(404, { error: { code: "not_found", message: "no", details: null } })
      );
    }),
  );
  return sent;
}

export function renderPage(ui: ReactNode, language: "en" | "ru" = "en") {
  void i18n.changeLanguage(language);
  const client = new QueryClient({
    defaultOptions: { queries: { retry: false }, mutations: { retry: false } },
  });
  return render(
    <QueryClientProvider client={client}>
      <MemoryRouter>{ui}</MemoryRouter>
    </QueryClientProvider>,
  );
}

export const HOUR_PLAN = {
  id: "plan-hour",
  name: "Pro Hourly",
  description: "Everything Pro, billed by the hour.",
  price: "4.99",
  currency: "USD",
  period_seconds: 3600,
  features: ["exports_plus"],
};

export const DAY_PLAN = {
  id: "plan-day",
  name: "Pro Daily",
  description: "",
  price: "99.00",
  currency: "USD",
  period_seconds: 86_400,
  features: ["exports_plus", "live_stats"],
};

export function subscriptionOf(status: "active" | "suspended" | "cancelled", hasAccess = true) {
  return {
    subscription_id: "sub-1",
    status,
    plan: HOUR_PLAN,
    paid_from: "2026-12-07T10:00:00+00:00",
    paid_through: "2026-12-07T11:00:00+00:00",
    period_number: 1,
    has_access: hasAccess,
    features: hasAccess ? ["exports_plus"] : [],
    next_renewal_at: status === "active" ? "2026-12-07T10:59:30+00:00" : null,
    next_renewal_price: status === "active" ? "4.99" : null,
    currency: "USD",
  };
}
