import { lazy, Suspense, useEffect, useState } from "react";
import { subscribeRealityChecks, type RealityCheck } from "@/features/live";

// The dialog's code loads with the first check, not with the shell.
const RealityCheckDialog = lazy(() =>
  import("./RealityCheckDialog").then((module) => ({ default: module.RealityCheckDialog })),
);

/**
 * Mounted once, in the Shell: shows the live stream's reality checks. A newer check replaces one
 * still open (its figures are the session's so far).
 */
export function RealityChecks() {
  const [check, setCheck] = useState<RealityCheck | null>(null);
  useEffect(() => subscribeRealityChecks(setCheck), []);
  if (!check) return null;
  return (
    <Suspense fallback={null}>
      <RealityCheckDialog check={check} onClose={() => setCheck(null)} />
    </Suspense>
  );
}
