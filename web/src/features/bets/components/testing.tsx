/** Test helpers: a fresh query client and a router around a component, and a fetch stub that
 * records each request the API client makes. */
import { QueryClient, QueryClientProvider } from "@tanstack/react-query";
import { render } from "@testing-library/react";
import type { ReactNode } from "react";
import { createMemoryRouter, RouterProvider } from "react-router";

export function renderAt(element: ReactNode, path = "/bets") {
  const client = new QueryClient({ defaultOptions: { queries: { retry: false } } });
  const router = createMemoryRouter(
    [
      { path: "/bets", element },
      { path: "/bets/:betId", element: <p>detail page</p> },
      { path: "/", element: <p>home</p> },
    ],
    { initialEntries: [path] },
  );
  return render(
    <QueryClientProvider client={client}>
      <RouterProvider router={router} />
    </QueryClientProvider>,
  );
}

export type Answer = { status?: number; body: unknown };

/** Replace fetch: each request is recorded and answered by `answer(request)`. */
export function stubFetch(answer: (request: Request) => Answer) {
  const requests: Request[] = [];
  vi.stubGlobal(
    "fetch",
    vi.fn(async (input: Request) => {
      requests.push(input);
      const { status = 200, body } = answer(input);
      return new Response(JSON.stringify(body), {
        status,
        headers: { "content-type": "application/json" },
      });
    }),
  );
  return requests;
}
