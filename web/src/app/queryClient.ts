import { QueryClient } from "@tanstack/react-query";
import { isApiError } from "@/shared/api/errors";

/** Retries only what a retry can fix: no answer, or a 5xx/429; never a 4xx. */
export const queryClient = new QueryClient({
  defaultOptions: {
    queries: {
      staleTime: 15_000,
      retry: (failures, error) =>
        failures < 3 &&
        (!isApiError(error) || error.status === 0 || error.status >= 500 || error.status === 429),
      refetchOnWindowFocus: false,
    },
    mutations: { retry: false },
  },
});
