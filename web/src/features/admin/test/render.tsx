/** Rendering an admin component in tests: a fresh query client, the router, English. */
import { QueryClient, QueryClientProvider } from "@tanstack/react-query";
import { render } from "@testing-library/react";
import type { ReactElement } from "react";
import { MemoryRouter } from "react-router";
import { vi } from "vitest";
import i18n from "@/app/i18n";

export function renderAdmin(ui: ReactElement) {
  void i18n.changeLanguage("en");
  const client = new QueryClient({
    defaultOptions: { queries: { retry: false }, mutations: { retry: false } },
  });
  return render(
    <QueryClientProvider client={client}>
      <MemoryRouter>{ui}</MemoryRouter>
    </QueryClientProvider>,
  );
}

export interface Call {
  method: string;
  url: string;
  body: unknown;
}

/** A fetch that records each request and answers with `answer(call)` (status, JSON body). */
export function stubFetch(answer: (call: Call) => { status: number; body: unknown }) {
  const calls: Call[] = [];
  const fetchStub = vi.fn(async (input: Request) => {
    const text = await input.text();
    const call = { method: input.method, url: input.url, body: text ? JSON.parse(text) : null };
    calls.push(call);
    const { status, body } = answer(call);
    return new Response(JSON.stringify(body), {
      status,
      headers: { "content-type": "application/json" },
    });
  });
  vi.stubGlobal("fetch", fetchStub);
  return calls;
}
