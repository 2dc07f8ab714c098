/** The events editor's reads and writes (docs/events.md, "Admin"). */
import { keepPreviousData, useMutation, useQuery, useQueryClient } from "@tanstack/react-query";
import { api, unwrap } from "@/shared/api/client";
import type { components } from "@/shared/api/schema";
import { adminKeys } from "./keys";

type Schemas = components["schemas"];
export type EventCreateBody = Schemas["EventCreateIn"];
export type MarketCreateBody = Schemas["MarketCreateIn"];
export type SettleBody = Schemas["SettleIn"];
export type ScoreBody = Schemas["ScoreUpdateIn"];

export interface EventFilters {
  sport: string;
  status: string;
  search: string;
  page: number;
}

export function useSports() {
  return useQuery({
    queryKey: adminKeys.sports,
    queryFn: async () => (await unwrap(api.GET("/api/events/sports"))).sports,
    staleTime: 5 * 60_000,
  });
}

export function useLeagues(sport: string) {
  return useQuery({
    queryKey: adminKeys.leagues(sport),
    queryFn: async () =>
      (await unwrap(api.GET("/api/events/leagues", { params: { query: { sport } } }))).leagues,
    enabled: sport !== "",
    staleTime: 5 * 60_000,
  });
}

export function useAdminEvents(filters: EventFilters) {
  return useQuery({
    queryKey: adminKeys.events(filters),
    queryFn: () =>
      unwrap(
        api.GET("/api/events/", {
          params: {
            query: {
              sport: filters.sport || null,
              status: filters.status || null,
              search: filters.search.trim() || null,
              page: filters.page,
              limit: 20,
            },
          },
        }),
      ),
    placeholderData: keepPreviousData,
  });
}

export function useAdminEvent(eventId: string) {
  return useQuery({
    queryKey: adminKeys.event(eventId),
    queryFn: async () =>
      (await unwrap(api.GET("/api/events/{event_id}", { params: { path: { event_id: eventId } } })))
        .event,
  });
}

export function useCreateEvent() {
  const client = useQueryClient();
  return useMutation({
    mutationFn: async (body: EventCreateBody) =>
      (await unwrap(api.POST("/api/events/", { body }))).event,
    onSuccess: (event) => {
      client.setQueryData(adminKeys.event(event.event_id), event);
      void client.invalidateQueries({ queryKey: ["admin", "events"] });
    },
  });
}

/** Every write of one event: the answer is what the editor shows next, so refetch it and the lists. */
export function useEventMutation<V>(
  eventId: string,
  call: (eventId: string, v: V) => Promise<unknown>,
) {
  const client = useQueryClient();
  return useMutation({
    mutationFn: (variables: V) => call(eventId, variables),
    onSettled: () => {
      void client.invalidateQueries({ queryKey: adminKeys.event(eventId) });
      void client.invalidateQueries({ queryKey: ["admin", "events"] });
      void client.invalidateQueries({ queryKey: adminKeys.liabilities });
      // The bettor's side of the app caches events under "events" (helper B's prefix).
      void client.invalidateQueries({ queryKey: ["events"] });
    },
  });
}

const path = (event_id: string) => ({ params: { path: { event_id } } });

export const eventCalls = {
  start: (id: string) => unwrap(api.POST("/api/events/{event_id}/start", path(id))),
  score: (id: string, body: ScoreBody) =>
    unwrap(api.POST("/api/events/{event_id}/score", { ...path(id), body })),
  settle: (id: string, body: SettleBody) =>
    unwrap(api.POST("/api/events/{event_id}/settle", { ...path(id), body })),
  cancel: (id: string, reason: string | null) =>
    unwrap(api.POST("/api/events/{event_id}/cancel", { ...path(id), body: { reason } })),
  postpone: (id: string, reason: string | null) =>
    unwrap(api.POST("/api/events/{event_id}/postpone", { ...path(id), body: { reason } })),
  reschedule: (id: string, event_datetime: string | null) =>
    unwrap(
      api.POST("/api/events/{event_id}/reschedule", { ...path(id), body: { event_datetime } }),
    ),
  addMarket: (id: string, body: MarketCreateBody) =>
    unwrap(api.POST("/api/events/{event_id}/markets", { ...path(id), body })),
  setOdds: (id: string, v: { oddsId: string; coefficient: string }) =>
    unwrap(
      api.PUT("/api/events/{event_id}/odds/{odds_id}", {
        params: { path: { event_id: id, odds_id: v.oddsId } },
        body: { coefficient: v.coefficient },
      }),
    ),
  selection: (id: string, v: { oddsId: string; action: "suspend" | "resume" }) => {
    const params = { params: { path: { event_id: id, odds_id: v.oddsId } } };
    return unwrap(
      v.action === "suspend"
        ? api.POST("/api/events/{event_id}/odds/{odds_id}/suspend", params)
        : api.POST("/api/events/{event_id}/odds/{odds_id}/resume", params),
    );
  },
  market: (id: string, v: { marketId: string; action: "suspend" | "resume" }) => {
    const params = { params: { path: { event_id: id, market_id: v.marketId } } };
    return unwrap(
      v.action === "suspend"
        ? api.POST("/api/events/{event_id}/markets/{market_id}/suspend", params)
        : api.POST("/api/events/{event_id}/markets/{market_id}/resume", params),
    );
  },
};
