/**
 * What the statistics charts draw from: the user's settled bets (newest first, at most
 * SETTLED_MAX of them) and the sport of each event they were on. The history has no sport, so
 * each distinct event is looked up once (`GET /api/events/{id}`) and remembered: an event's
 * sport never changes.
 */
import { useQuery } from "@tanstack/react-query";
import { api, unwrap } from "@/shared/api/client";
import { isApiError } from "@/shared/api/errors";
import type { Bet } from "../model/types";
import { betKeys, fetchHistory } from "./bets";

export const SETTLED_MAX = 500;
const PAGE = 100;
const LOOKUPS_AT_ONCE = 6;

export interface Sport {
  slug: string;
  name: string;
}

export interface SettledData {
  bets: Bet[];
  /** More settled bets exist than were read (the charts say they cover the latest ones). */
  truncated: boolean;
  sports: Record<string, Sport>;
}

const known = new Map<string, Sport | null>();

async function sportOfEvent(eventId: string): Promise<Sport | null> {
  if (known.has(eventId)) return known.get(eventId) ?? null;
  try {
    const body = await unwrap(
      api.GET("/api/events/{event_id}", { params: { path: { event_id: eventId } } }),
    );
    const { event } = body as unknown as { event?: { sport?: string; sport_name?: string } };
    const sport = event?.sport
      ? { slug: event.sport, name: event.sport_name ?? event.sport }
      : null;
    known.set(eventId, sport);
    return sport;
  } catch (error) {
    // A deleted event is counted as "unknown sport"; any other failure fails the query.
    if (isApiError(error) && error.status === 404) {
      known.set(eventId, null);
      return null;
    }
    throw error;
  }
}

async function sportsOf(eventIds: string[]): Promise<Record<string, Sport>> {
  const out: Record<string, Sport> = {};
  for (let i = 0; i < eventIds.length; i += LOOKUPS_AT_ONCE) {
    const batch = eventIds.slice(i, i + LOOKUPS_AT_ONCE);
    const found = await Promise.all(batch.map(sportOfEvent));
    batch.forEach((id, index) => {
      const sport = found[index];
      if (sport) out[id] = sport;
    });
  }
  return out;
}

async function fetchSettled(): Promise<SettledData> {
  const bets: Bet[] = [];
  let total = 0;
  for (let offset = 0; offset < SETTLED_MAX; offset += PAGE) {
    const page = await fetchHistory({ status: "settled", limit: PAGE, offset });
    bets.push(...page.bets);
    total = page.pagination.total;
    if (bets.length >= total || page.bets.length < PAGE) break;
  }
  const events = [...new Set(bets.flatMap((bet) => bet.legs.map((leg) => leg.event_id)))];
  return { bets, truncated: total > bets.length, sports: await sportsOf(events) };
}

export function useSettledBets() {
  return useQuery({ queryKey: betKeys.settled, queryFn: fetchSettled });
}
