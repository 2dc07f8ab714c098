/**
 * The one live stream per tab (docs/gateway.md, "Live stream"). A signed-in user first gets a
 * one-time ticket (bearer) and opens /api/stream?ticket=…, which adds their own bet and wallet
 * notifications; an anonymous visitor gets the public odds and scores. The browser's own
 * reconnect would reuse a spent ticket, so every error closes the stream and it is reopened here
 * with backoff and a new ticket; after a reconnect the cached events are re-read (messages in
 * the gap are not replayed across tickets). With the reality-check preference set, the private
 * stream asks for reality checks (model/realityCheck.ts); changing it reopens the stream.
 */
import { useQueryClient, type QueryClient } from "@tanstack/react-query";
import { useEffect } from "react";
import { api, unwrap } from "@/shared/api/client";
import { usePreferences } from "@/shared/preferences/preferences";
import { useSession } from "@/shared/session/session";
import { publishBetNotice, type BetNotice } from "../model/bets";
import {
  marketPatch,
  oddsPatch,
  patchTree,
  scorePatch,
  statusPatch,
  type EventStatusChangedData,
  type MarketChangedData,
  type OddsChangedData,
  type ScoreUpdatedData,
} from "../model/patch";
import { publishRealityCheck, readRealityCheck, streamPath } from "../model/realityCheck";

const EVENTS = ["events"] as const;
const BET_EVENTS = ["BetPlaced", "BetRejected", "BetSettled", "BetResettled"] as const;
const WALLET_EVENTS = [
  "DepositCompleted",
  "DepositFailed",
  "WithdrawalRequested",
  "WithdrawalCompleted",
  "WithdrawalRejected",
  "WithdrawalCancelled",
  "SubscriptionCharged",
  "SubscriptionSuspended",
  "SubscriptionResumed",
  "SubscriptionCancelled",
  "PackagePurchased",
  "PackageNotice",
  "PackageUnitsLapsed",
] as const;
const MAX_DELAY_MS = 30_000;
// The wallet pays a settled bet after bets announces it, and streams no event of its own for
// the payout: after a settlement the balance is read again a few times as the payout lands.
const PAYOUT_RECHECKS_MS = [1_000, 3_000, 8_000];
let payoutTimers: ReturnType<typeof setTimeout>[] = [];

function recheckWalletAfterPayout(client: QueryClient): void {
  payoutTimers.forEach(clearTimeout);
  payoutTimers = PAYOUT_RECHECKS_MS.map((delay) =>
    setTimeout(() => void client.invalidateQueries({ queryKey: ["wallet"] }), delay),
  );
}

function parse<T>(event: MessageEvent): T | null {
  try {
    return JSON.parse(String(event.data)) as T;
  } catch {
    return null;
  }
}

function listen(source: EventSource, client: QueryClient): void {
  const patchEvents = (patch: (data: unknown) => unknown) =>
    client.setQueriesData({ queryKey: EVENTS }, patch);
  source.addEventListener("OddsChanged", (event) => {
    const data = parse<OddsChangedData>(event);
    if (!data) return;
    patchEvents((cached) => patchTree(cached, oddsPatch(data)));
    void client.invalidateQueries({ queryKey: ["events", "history", data.event_id] });
  });
  source.addEventListener("ScoreUpdated", (event) => {
    const data = parse<ScoreUpdatedData>(event);
    if (data) patchEvents((cached) => patchTree(cached, scorePatch(data)));
  });
  source.addEventListener("MarketChanged", (event) => {
    const data = parse<MarketChangedData>(event);
    if (data) patchEvents((cached) => patchTree(cached, marketPatch(data)));
  });
  source.addEventListener("EventStatusChanged", (event) => {
    const data = parse<EventStatusChangedData>(event);
    if (!data) return;
    patchEvents((cached) => patchTree(cached, statusPatch(data)));
    // An event going live or ending moves between lists and changes the live counts.
    void client.invalidateQueries({ queryKey: ["events", "sports"] });
    void client.invalidateQueries({ queryKey: ["events", "live"] });
  });
  for (const name of BET_EVENTS) {
    source.addEventListener(name, (event) => {
      const data = parse<{ bet_id: string; reason?: string }>(event);
      void client.invalidateQueries({ queryKey: ["bets"] });
      void client.invalidateQueries({ queryKey: ["wallet"] });
      if (name === "BetSettled" || name === "BetResettled") recheckWalletAfterPayout(client);
      if (data?.bet_id) publishBetNotice({ ...data, type: name } as BetNotice);
    });
  }
  for (const name of WALLET_EVENTS) {
    source.addEventListener(name, () => void client.invalidateQueries({ queryKey: ["wallet"] }));
  }
  source.addEventListener("reality_check", (event) => {
    const check = readRealityCheck(parse<unknown>(event));
    if (check) publishRealityCheck(check);
  });
}

async function streamUrl(signedIn: boolean, realityCheckMinutes: number | null): Promise<string> {
  if (!signedIn) return streamPath(null, null);
  const { ticket } = await unwrap(api.POST("/api/stream/ticket"));
  return streamPath(String(ticket), realityCheckMinutes);
}

export function useLiveStream(): void {
  const client = useQueryClient();
  const { user, restoring } = useSession();
  const userId = user?.id ?? null;
  const { reality_check_minutes: realityCheckMinutes } = usePreferences();

  useEffect(() => {
    if (restoring || typeof EventSource === "undefined") return;
    let source: EventSource | null = null;
    let timer: ReturnType<typeof setTimeout> | undefined;
    let attempt = 0;
    let stopped = false;

    const retry = () => {
      source?.close();
      source = null;
      if (stopped) return;
      const delay = Math.min(MAX_DELAY_MS, 1000 * 2 ** attempt) * (0.75 + Math.random() / 2);
      attempt += 1;
      timer = setTimeout(() => void open(), delay);
    };

    const open = async () => {
      let url: string;
      try {
        url = await streamUrl(userId !== null, realityCheckMinutes);
      } catch {
        retry();
        return;
      }
      if (stopped) return;
      const reconnect = attempt > 0;
      source = new EventSource(url);
      source.onopen = () => {
        attempt = 0;
        if (reconnect) {
          void client.invalidateQueries({ queryKey: EVENTS });
          if (userId) void client.invalidateQueries({ queryKey: ["bets"] });
        }
      };
      source.onerror = retry;
      listen(source, client);
    };

    void open();
    return () => {
      stopped = true;
      clearTimeout(timer);
      source?.close();
    };
  }, [client, userId, restoring, realityCheckMinutes]);
}
