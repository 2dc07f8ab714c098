/**
 * The events reads. Keys all start with "events" (the live stream patches every cached answer
 * under that prefix): ["events","sports"], ["events","leagues",sport], ["events","list",filters],
 * ["events","live",sport], ["events","event",id], ["events","history",id].
 */
import { keepPreviousData, useInfiniteQuery, useQuery } from "@tanstack/react-query";
import { api, unwrap } from "@/shared/api/client";
import type { EventDetail, EventPage, OddsHistoryEntry } from "../model/types";

export const PAGE_SIZE = 20;

export function useSports() {
  return useQuery({
    queryKey: ["events", "sports"],
    queryFn: () => unwrap(api.GET("/api/events/sports")),
    staleTime: 30_000,
  });
}

export function useLeagues(sport: string | null) {
  return useQuery({
    queryKey: ["events", "leagues", sport ?? "all"],
    queryFn: () =>
      unwrap(api.GET("/api/events/leagues", { params: { query: sport ? { sport } : {} } })),
    staleTime: 60_000,
  });
}

function nextPage(last: EventPage): number | undefined {
  return last.page < last.pages ? last.page + 1 : undefined;
}

export function useEventList(filters: { sport: string | null; league: string | null }) {
  return useInfiniteQuery({
    queryKey: ["events", "list", filters],
    initialPageParam: 1,
    queryFn: async ({ pageParam }) =>
      (await unwrap(
        api.GET("/api/events/", {
          params: {
            query: {
              status: "scheduled",
              page: pageParam,
              limit: PAGE_SIZE,
              ...(filters.sport ? { sport: filters.sport } : {}),
              ...(filters.league ? { league: filters.league } : {}),
            },
          },
        }),
      )) as EventPage,
    getNextPageParam: nextPage,
    placeholderData: keepPreviousData,
  });
}

export function useLiveEvents(sport: string | null, limit = PAGE_SIZE) {
  return useInfiniteQuery({
    queryKey: ["events", "live", sport ?? "all", limit],
    initialPageParam: 1,
    queryFn: async ({ pageParam }) =>
      (await unwrap(
        api.GET("/api/events/live", {
          params: { query: { page: pageParam, limit, ...(sport ? { sport } : {}) } },
        }),
      )) as EventPage,
    getNextPageParam: nextPage,
  });
}

export function useEvent(eventId: string) {
  return useQuery({
    queryKey: ["events", "event", eventId],
    queryFn: async () =>
      (
        (await unwrap(
          api.GET("/api/events/{event_id}", { params: { path: { event_id: eventId } } }),
        )) as { event: EventDetail }
      ).event,
  });
}

export function useOddsHistory(eventId: string) {
  return useQuery({
    queryKey: ["events", "history", eventId],
    queryFn: async () =>
      (
        await unwrap(
          api.GET("/api/events/{event_id}/odds-history", {
            params: { path: { event_id: eventId }, query: { limit: 500 } },
          }),
        )
      ).history as OddsHistoryEntry[],
  });
}
