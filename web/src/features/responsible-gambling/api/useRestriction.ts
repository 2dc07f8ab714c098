import { useNow } from "../components/useNow";
import { inForce, type Restriction } from "../model/restriction";
import { useRestrictionOverview } from "./restriction";

/** The signed-in user's time-out or self-exclusion in force, else null (signed out: null). */
export function useRestriction(): Restriction | null {
  const overview = useRestrictionOverview();
  const now = useNow();
  return inForce(overview.data?.restriction ?? null, now);
}
