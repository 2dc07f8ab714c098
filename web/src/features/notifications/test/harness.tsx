/** Tests only: the API answered by a function of the request, a signed-in user, a render. */
import { QueryClient, QueryClientProvider } from "@tanstack/react-query";
import { render } from "@testing-library/react";
import type { ReactNode } from "react";
import { MemoryRouter } from "react-router";
import { vi } from "vitest";
import i18n from "@/app/i18n";
import { session } from "@/shared/session/session";

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
        path: new URL(input.url).pathname,
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

export function signIn() {
  session.signedIn(
    {
      access_token: "token",
      refresh_token: "refresh",
      expires_in: 900,
      user: { id: "u-1", email: "ann@example.com", name: "Ann", role: "user", is_verified: true },
    },
    false,
  );
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
