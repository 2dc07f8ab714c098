/**
 * Which lifecycle calls an event's status allows (docs/events.md, "Statuses"). The API decides
 * (409 `events.transition_not_allowed`); this only hides buttons that could not succeed.
 */
export type EventAction =
  "start" | "score" | "settle" | "resettle" | "postpone" | "reschedule" | "cancel";

export function allowedActions(
  status: string,
  startsAt: string,
  now: number = Date.now(),
): EventAction[] {
  const started = new Date(startsAt).getTime() <= now;
  switch (status) {
    case "scheduled":
      // A match never marked live may be settled once its start time has passed.
      return ["start", ...(started ? (["settle"] as const) : []), "postpone", "cancel"];
    case "live":
      return ["score", "settle", "postpone", "cancel"];
    case "postponed":
      return ["start", "reschedule", "cancel"];
    case "finished":
      return ["resettle"];
    default:
      return [];
  }
}

/** Markets and odds change only while the event is open (else 409 `events.event_closed`). */
export function marketsEditable(status: string): boolean {
  return status === "scheduled" || status === "live" || status === "postponed";
}
