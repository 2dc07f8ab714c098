/**
 * The partners service's admin side (issue 23): partners (create and change with an
 * Idempotency-Key, so a retried request acts once), a test postback, attributed users, the
 * postbacks both ways and the per-partner figures.
 */
import { useInfiniteQuery, useMutation, useQuery, useQueryClient } from "@tanstack/react-query";
import { api, newIdempotencyKey, unwrap } from "@/shared/api/client";
import type { components } from "@/shared/api/schema";
import type { PartnerEvent, partnerBody } from "../model/partners";
import { adminKeys } from "./keys";

export type Partner = components["schemas"]["PartnerOut"];
export type PartnerStats = components["schemas"]["PartnerStats"];
export type TestPostbackResult = components["schemas"]["TestPostbackOut"];
export type OutboundPostback = components["schemas"]["OutboundOut"];
export type InboundPostback = components["schemas"]["InboundOut"];
export type AttributedUser = components["schemas"]["AttributedUserOut"];
export type PartnerPatch = components["schemas"]["PartnerPatch"];

export const partnerAdminKeys = {
  all: [...adminKeys.all, "partners"] as const,
  list: [...adminKeys.all, "partners", "list"] as const,
  stats: [...adminKeys.all, "partners", "stats"] as const,
  one: (id: string) => [...adminKeys.all, "partners", "one", id] as const,
  users: (id: string) => [...adminKeys.all, "partners", "one", id, "users"] as const,
  outbound: (id: string) => [...adminKeys.all, "partners", "one", id, "outbound"] as const,
  inbound: (id: string) => [...adminKeys.all, "partners", "one", id, "inbound"] as const,
};

const keyed = () => ({ headers: { "Idempotency-Key": newIdempotencyKey() } });

export function usePartners() {
  return useQuery({
    queryKey: partnerAdminKeys.list,
    queryFn: async (): Promise<Partner[]> => unwrap(api.GET("/api/partners/admin/partners")),
  });
}

export function usePartnerStats() {
  return useQuery({
    queryKey: partnerAdminKeys.stats,
    queryFn: async (): Promise<PartnerStats[]> => unwrap(api.GET("/api/partners/admin/stats")),
  });
}

export function usePartner(partnerId: string) {
  return useQuery({
    queryKey: partnerAdminKeys.one(partnerId),
    queryFn: async (): Promise<Partner> =>
      unwrap(
        api.GET("/api/partners/admin/partners/{partner_id}", {
          params: { path: { partner_id: partnerId } },
        }),
      ),
  });
}

export function useCreatePartner() {
  const client = useQueryClient();
  return useMutation({
    mutationFn: async (body: ReturnType<typeof partnerBody>): Promise<Partner> =>
      unwrap(api.POST("/api/partners/admin/partners", { body, ...keyed() })),
    onSuccess: () => client.invalidateQueries({ queryKey: partnerAdminKeys.all }),
  });
}

/** A change (name, active, templates) or a secret rotation: one PATCH each. */
export function usePatchPartner(partnerId: string) {
  const client = useQueryClient();
  return useMutation({
    mutationFn: async (body: PartnerPatch): Promise<Partner> =>
      unwrap(
        api.PATCH("/api/partners/admin/partners/{partner_id}", {
          params: { path: { partner_id: partnerId } },
          body,
          ...keyed(),
        }),
      ),
    onSuccess: (answer) => {
      client.setQueryData(partnerAdminKeys.one(partnerId), answer);
      return client.invalidateQueries({ queryKey: partnerAdminKeys.list });
    },
  });
}

export function useTestPostback(partnerId: string) {
  const client = useQueryClient();
  return useMutation({
    mutationFn: async (event: PartnerEvent): Promise<TestPostbackResult> =>
      unwrap(
        api.POST("/api/partners/admin/partners/{partner_id}/test-postback", {
          params: { path: { partner_id: partnerId } },
          body: { event },
        }),
      ),
    onSettled: () => client.invalidateQueries({ queryKey: partnerAdminKeys.outbound(partnerId) }),
  });
}

export function usePartnerUsers(partnerId: string) {
  return useInfiniteQuery({
    queryKey: partnerAdminKeys.users(partnerId),
    initialPageParam: null as string | null,
    queryFn: async ({ pageParam }) =>
      unwrap(
        api.GET("/api/partners/admin/partners/{partner_id}/users", {
          params: { path: { partner_id: partnerId }, query: { limit: 20, cursor: pageParam } },
        }),
      ),
    getNextPageParam: (last) => last.next_cursor,
  });
}

export function useOutboundPostbacks(partnerId: string) {
  return useQuery({
    queryKey: partnerAdminKeys.outbound(partnerId),
    queryFn: async (): Promise<OutboundPostback[]> =>
      unwrap(
        api.GET("/api/partners/admin/postbacks/outbound", {
          params: { query: { partner_id: partnerId, limit: 50 } },
        }),
      ),
  });
}

export function useInboundPostbacks(partnerId: string) {
  return useQuery({
    queryKey: partnerAdminKeys.inbound(partnerId),
    queryFn: async (): Promise<InboundPostback[]> =>
      unwrap(
        api.GET("/api/partners/admin/postbacks/inbound", {
          params: { query: { partner_id: partnerId, limit: 50 } },
        }),
      ),
  });
}
