import type { ReactNode } from "react";
import { Navigate, useLocation } from "react-router";
import { useSession } from "@/shared/session/session";
import { Skeleton } from "@/shared/ui";

/** Pages of a signed-in user: sign-in first (and back here after). */
export function RequireAuth({ children }: { children: ReactNode }) {
  const { user, restoring } = useSession();
  const location = useLocation();
  if (restoring) return <Skeleton lines={4} />;
  if (!user) {
    const next = encodeURIComponent(location.pathname + location.search);
    return <Navigate to={`/sign-in?next=${next}`} replace />;
  }
  return <>{children}</>;
}

export function RequireAdmin({ children }: { children: ReactNode }) {
  const { user, restoring } = useSession();
  if (restoring) return <Skeleton lines={4} />;
  if (!user) return <Navigate to="/sign-in?next=%2Fadmin" replace />;
  if (user.role !== "admin") return <Navigate to="/" replace />;
  return <>{children}</>;
}
