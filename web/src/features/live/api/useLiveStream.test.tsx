import { QueryClient, QueryClientProvider } from "@tanstack/react-query";
import { act, renderHook, waitFor } from "@testing-library/react";
import type { ReactNode } from "react";
import type { paths } from "@/shared/api/schema";
import { preferences } from "@/shared/preferences/preferences";
import { session } from "@/shared/session/session";
import { subscribeBetNotices, type BetNotice } from "../model/bets";
import { subscribeRealityChecks, type RealityCheck } from "../model/realityCheck";
import { useLiveStream } from "./useLiveStream";

// Relative URLs ("/api/…") need an origin under Node: the same client over the same authFetch.
vi.mock("@/shared/api/client", async (importOriginal) => {
  const real = await importOriginal<typeof import("@/shared/api/client")>();
  const { default: createClient } = await import("openapi-fetch");
  return {
    ...real,
    api: createClient<paths>({ baseUrl: "http://localhost", fetch: real.authFetch }),
  };
});

class FakeEventSource {
  static opened: FakeEventSource[] = [];
  readonly url: string;
  onopen: (() => void) | null = null;
  onerror: (() => void) | null = null;
  closed = false;
  private listeners = new Map<string, ((event: MessageEvent) => void)[]>();
  constructor(url: string) {
    this.url = url;
    FakeEventSource.opened.push(this);
  }
  addEventListener(name: string, listener: (event: MessageEvent) => void) {
    this.listeners.set(name, [...(this.listeners.get(name) ?? []), listener]);
  }
  close() {
    this.closed = true;
  }
  emit(name: string, data: unknown) {
    const event = new MessageEvent(name, { data: JSON.stringify(data) });
    this.listeners.get(name)?.forEach((listener) => listener(event));
  }
}

function setup() {
  const client = new QueryClient();
  const wrapper = ({ children }: { children: ReactNode }) => (
    <QueryClientProvider client={client}>{children}</QueryClientProvider>
  );
  renderHook(() => useLiveStream(), { wrapper });
  return client;
}

describe("useLiveStream", () => {
  beforeEach(() => {
    FakeEventSource.opened = [];
    vi.stubGlobal("EventSource", FakeEventSource);
  });
  afterEach(() => {
    vi.unstubAllGlobals();
    session.signedOut();
    preferences.apply({ reality_check_minutes: null });
  });

  it("opens the public stream for a visitor and patches cached odds and scores", async () => {
    session.signedOut();
    const client = setup();
    client.setQueryData(["events", "event", "e1"], {
      event_id: "e1",
      home_score: 0,
      away_score: 0,
      minute: 10,
      odds: [{ odds_id: "o1", coefficient: 1.85, version: 1 }],
    });
    await waitFor(() => expect(FakeEventSource.opened).toHaveLength(1));
    const source = FakeEventSource.opened[0];
    expect(source?.url).toBe("/api/stream");
    act(() => {
      source?.emit("OddsChanged", {
        event_id: "e1",
        market_id: "m1",
        odds_id: "o1",
        new_coefficient: "1.950",
        odds_version: 2,
      });
      source?.emit("ScoreUpdated", { event_id: "e1", home_score: 1, away_score: 0, minute: 12 });
    });
    expect(client.getQueryData(["events", "event", "e1"])).toMatchObject({
      home_score: 1,
      minute: 12,
      odds: [{ coefficient: "1.950", version: 2 }],
    });
  });

  it("takes a ticket first when signed in, and passes on the user's bet notices", async () => {
    const fetch = vi.fn(async () =>
      Response.json({ ticket: "t-1", expires_in: 60 }, { status: 200 }),
    );
    vi.stubGlobal("fetch", fetch);
    session.signedIn({
      access_token: "token",
      refresh_token: "refresh",
      expires_in: 900,
      user: { id: "u1", email: "u@x.dev", name: "U", role: "user", is_verified: true },
    });
    const client = setup();
    const invalidate = vi.spyOn(client, "invalidateQueries");
    const notices: BetNotice[] = [];
    const stop = subscribeBetNotices((notice) => notices.push(notice));
    await waitFor(() => expect(FakeEventSource.opened).toHaveLength(1));
    expect(FakeEventSource.opened[0]?.url).toBe("/api/stream?ticket=t-1");
    const request = fetch.mock.calls[0] as unknown as [Request];
    expect(request[0].headers.get("authorization")).toBe("Bearer token");
    act(() => FakeEventSource.opened[0]?.emit("BetRejected", { bet_id: "b1", reason: "x" }));
    expect(notices).toEqual([{ type: "BetRejected", bet_id: "b1", reason: "x" }]);
    expect(invalidate).toHaveBeenCalledWith({ queryKey: ["bets"] });
    expect(invalidate).toHaveBeenCalledWith({ queryKey: ["wallet"] });
    stop();
  });
  it("reads the balance again as the wallet pays a settled bet (the payout streams no event)", async () => {
    const client = setup();
    await waitFor(() => expect(FakeEventSource.opened).toHaveLength(1));
    vi.useFakeTimers();
    try {
      const invalidate = vi.spyOn(client, "invalidateQueries");
      const walletReads = () =>
        invalidate.mock.calls.filter(([filters]) => filters?.queryKey?.[0] === "wallet").length;
      act(() => FakeEventSource.opened[0]?.emit("BetSettled", { bet_id: "b1" }));
      expect(walletReads()).toBe(1);
      act(() => vi.advanceTimersByTime(1_000));
      expect(walletReads()).toBe(2);
      act(() => vi.advanceTimersByTime(7_000));
      expect(walletReads()).toBe(4);
      act(() => vi.advanceTimersByTime(60_000));
      expect(walletReads()).toBe(4);
    } finally {
      vi.useRealTimers();
    }
  });

  it("asks for reality checks only when the preference is set, and passes them on", async () => {
    let tickets = 0;
    vi.stubGlobal(
      "fetch",
      vi.fn(async () => {
        tickets += 1;
        return Response.json({ ticket: `t-${tickets}`, expires_in: 60 }, { status: 200 });
      }),
    );
    session.signedIn({
      access_token: "token",
      refresh_token: "refresh",
      expires_in: 900,
      user: { id: "u1", email: "u@x.dev", name: "U", role: "user", is_verified: true },
    });
    setup();
    await waitFor(() => expect(FakeEventSource.opened).toHaveLength(1));
    expect(FakeEventSource.opened[0]?.url).toBe("/api/stream?ticket=t-1");

    // Turned on: the stream is opened again, with a new ticket and the interval.
    act(() => preferences.apply({ reality_check_minutes: 30 }));
    await waitFor(() => expect(FakeEventSource.opened).toHaveLength(2));
    expect(FakeEventSource.opened[0]?.closed).toBe(true);
    expect(FakeEventSource.opened[1]?.url).toBe("/api/stream?ticket=t-2&reality_check_minutes=30");

    const checks: RealityCheck[] = [];
    const stop = subscribeRealityChecks((check) => checks.push(check));
    const figures: RealityCheck = {
      session_started_at: "2026-12-07T10:00:00+00:00",
      played_s: 5400,
      stakes_minor: 2500,
      returns_minor: 1250,
      net_minor: -1250,
      currency: "EUR",
      bets_placed: 2,
      bets_settled: 1,
    };
    act(() => {
      FakeEventSource.opened[1]?.emit("reality_check", figures);
      FakeEventSource.opened[1]?.emit("reality_check", { played_s: "soon" }); // not one: dropped
    });
    expect(checks).toEqual([figures]);
    stop();

    // Turned off: no parameter again.
    act(() => preferences.apply({ reality_check_minutes: null }));
    await waitFor(() => expect(FakeEventSource.opened).toHaveLength(3));
    expect(FakeEventSource.opened[2]?.url).toBe("/api/stream?ticket=t-3");
  });

  it("never asks for reality checks on the public stream (the gateway needs a ticket)", async () => {
    preferences.apply({ reality_check_minutes: 30 });
    session.signedOut();
    setup();
    await waitFor(() => expect(FakeEventSource.opened).toHaveLength(1));
    expect(FakeEventSource.opened[0]?.url).toBe("/api/stream");
  });
});
