import type { SelectionLiability } from "../api/types";

/** The open liabilities of one event's selections, by `odds_id`. */
export function liabilitiesOf(
  eventId: string,
  selections: readonly SelectionLiability[],
): Map<string, SelectionLiability> {
  return new Map(selections.filter((s) => s.event_id === eventId).map((s) => [s.odds_id, s]));
}
