import { QueryClientProvider } from "@tanstack/react-query";
import { useEffect } from "react";
import { RouterProvider } from "react-router";
import { refreshSession } from "@/shared/api/client";
import { session, storedRefreshToken } from "@/shared/session/session";
import { queryClient } from "./queryClient";
import { router } from "./router";
import "./theme";

/** A stored refresh token is turned into a session before any guarded page decides. */
function useRestoreSession(): void {
  useEffect(() => {
    if (storedRefreshToken()) void refreshSession();
    else session.restored();
  }, []);
}

export function App() {
  useRestoreSession();
  useEffect(
    () =>
      session.subscribe(() => {
        // A different user (or none) must never see the previous user's cached data.
        if (!session.get().user) queryClient.clear();
      }),
    [],
  );
  return (
    <QueryClientProvider client={queryClient}>
      <RouterProvider router={router} />
    </QueryClientProvider>
  );
}
