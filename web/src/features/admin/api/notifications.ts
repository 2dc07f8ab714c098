/** The notifications service's admin side (issue 23): deliveries, their 24 h figures, a retry. */
import { useMutation, useQuery, useQueryClient } from "@tanstack/react-query";
import { api, unwrap } from "@/shared/api/client";
import type { components } from "@/shared/api/schema";
import { adminKeys } from "./keys";

export type AdminDelivery = components["schemas"]["AdminDelivery"];
export type DeliveryStats = components["schemas"]["Stats"];
export type DeliveryStatus = components["schemas"]["DeliveryStatus"];
export type Channel = components["schemas"]["Channel"];

export const notificationAdminKeys = {
  all: [...adminKeys.all, "notifications"] as const,
  stats: [...adminKeys.all, "notifications", "stats"] as const,
  deliveries: (filters: object) =>
    [...adminKeys.all, "notifications", "deliveries", filters] as const,
};

export function useDeliveryStats() {
  return useQuery({
    queryKey: notificationAdminKeys.stats,
    queryFn: async (): Promise<DeliveryStats> => unwrap(api.GET("/api/notifications/admin/stats")),
  });
}

export function useDeliveries(filters: { status: DeliveryStatus | ""; channel: Channel | "" }) {
  return useQuery({
    queryKey: notificationAdminKeys.deliveries(filters),
    queryFn: async () => {
      const answer = await unwrap(
        api.GET("/api/notifications/admin/deliveries", {
          params: {
            query: { status: filters.status || null, channel: filters.channel || null, limit: 100 },
          },
        }),
      );
      return answer.items;
    },
  });
}

/** A failed delivery back to pending (the service answers 409 if it is not failed). */
export function useRetryDelivery() {
  const client = useQueryClient();
  return useMutation({
    mutationFn: async (deliveryId: string): Promise<AdminDelivery> =>
      unwrap(
        api.POST("/api/notifications/admin/deliveries/{delivery_id}/retry", {
          params: { path: { delivery_id: deliveryId } },
        }),
      ),
    onSettled: () => client.invalidateQueries({ queryKey: notificationAdminKeys.all }),
  });
}
