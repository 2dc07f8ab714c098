/** Packages: the catalogue, buying, the user's units and the order log (docs/packages.md). */
import { useMutation, useQuery, useQueryClient } from "@tanstack/react-query";
import { api, newIdempotencyKey, unwrap } from "@/shared/api/client";
import { useNow } from "../components/useNow";
import { freeBetChoices, type FreeBetChoice } from "../model/freeBets";
import { groupByPackage } from "../model/packages";
import type { BuyAnswer, Holding, Order, Package, Purchase } from "../model/types";
import { billingKeys } from "./keys";

export function usePackages({ enabled = true }: { enabled?: boolean } = {}) {
  return useQuery({
    queryKey: billingKeys.packages,
    enabled,
    queryFn: async () => {
      const answer: unknown = await unwrap(api.GET("/api/wallet/packages"));
      return (answer as { packages: Package[] }).packages;
    },
  });
}

async function fetchMine(): Promise<Holding[]> {
  const answer: unknown = await unwrap(api.GET("/api/wallet/packages/mine"));
  const { purchases } = answer as { purchases: Purchase[] };
  return groupByPackage(purchases).map((group): Holding => ({
    ...group,
    name: group.purchases[0]?.package_name ?? "",
    kind: group.purchases[0]?.kind ?? "units",
  }));
}

export function useMyPackages() {
  return useQuery({ queryKey: billingKeys.mine, queryFn: fetchMine });
}

/**
 * The free bets the signed-in user can stake now, one choice per stake (the bet slip's offer).
 * It shares the "mine" query (and its cache) with the packages page; as every billing key sits
 * under ["wallet"], placing a bet (which invalidates ["wallet"]) re-reads the units left. A
 * purchase without its own stake takes its package's from the catalogue.
 */
export function useFreeBets({ enabled }: { enabled: boolean }): {
  choices: FreeBetChoice[];
  ready: boolean;
} {
  const now = useNow();
  const mine = useQuery({ queryKey: billingKeys.mine, queryFn: fetchMine, enabled });
  const purchases = (mine.data ?? []).flatMap((holding) => holding.purchases);
  const needsCatalogue = purchases.some((p) => p.kind === "free_bet" && !p.stake);
  const catalogue = usePackages({ enabled: enabled && needsCatalogue });
  const stakes = new Map((catalogue.data ?? []).map((p) => [p.id, p.stake]));
  return {
    choices: freeBetChoices(purchases, now, (id) => stakes.get(id)),
    ready: mine.isSuccess && (!needsCatalogue || !catalogue.isPending),
  };
}

export function useOrders() {
  return useQuery({
    queryKey: billingKeys.orders,
    queryFn: async () => {
      const answer: unknown = await unwrap(
        api.GET("/api/wallet/packages/orders", { params: { query: { limit: 50 } } }),
      );
      return (answer as { orders: Order[] }).orders;
    },
  });
}

/** A purchase moves money (balance) or starts a payment (card): one Idempotency-Key per click. */
export function useBuyPackage() {
  const client = useQueryClient();
  return useMutation({
    mutationFn: async (input: { packageId: string; method: "balance" | "card" }) => {
      const answer: unknown = await unwrap(
        api.POST("/api/wallet/packages/{package_id}/buy", {
          params: { path: { package_id: input.packageId } },
          body: { method: input.method },
          headers: { "Idempotency-Key": newIdempotencyKey() },
        }),
      );
      return answer as BuyAnswer;
    },
    onSettled: () => client.invalidateQueries({ queryKey: ["wallet"] }),
  });
}
