import { renderHook } from "@testing-library/react";
import { afterEach, beforeEach, describe, expect, it, vi } from "vitest";
import { preferences } from "@/shared/preferences/preferences";
import { session, type TokenAnswer } from "@/shared/session/session";
import { useAccountPreferences } from "./useAccountPreferences";

const USER = {
  id: "6f1c2d9e-8a49-4a8c-9b1e-2d7f0c3a5b61",
  email: "ivan@example.com",
  name: "Ivan",
  is_verified: true,
  role: "user" as const,
  preferences: { language: "ru", odds_format: "american" },
};

function signIn() {
  session.signedIn({
    access_token: "access",
    refresh_token: "refresh",
    expires_in: 900,
    user: USER,
  } as TokenAnswer);
}

let bodies: unknown[] = [];

beforeEach(() => {
  vi.useFakeTimers();
  bodies = [];
  preferences.apply({ language: "en", theme: "light", odds_format: "decimal" });
  vi.stubGlobal(
    "fetch",
    vi.fn(async (request: Request) => {
      bodies.push(await request.json());
      return new Response(JSON.stringify({ user: USER }), {
        status: 200,
        headers: { "content-type": "application/json" },
      });
    }),
  );
});

afterEach(() => {
  session.signedOut();
  vi.useRealTimers();
  vi.unstubAllGlobals();
});

describe("useAccountPreferences", () => {
  it("applies the account's choices after sign-in and saves what it lacks", async () => {
    renderHook(() => useAccountPreferences());
    signIn();
    await vi.advanceTimersByTimeAsync(0);
    expect(preferences.get()).toEqual({
      language: "ru",
      theme: "light",
      odds_format: "american",
      reality_check_minutes: null,
    });
    await vi.advanceTimersByTimeAsync(1000);
    // The account had no theme: this device's is saved to it, nothing else.
    expect(bodies).toEqual([{ preferences: { theme: "light" } }]);
  });

  it("saves a change once, after the user stops changing", async () => {
    renderHook(() => useAccountPreferences());
    signIn();
    await vi.advanceTimersByTimeAsync(1000);
    bodies = [];
    preferences.apply({ theme: "dark" });
    await vi.advanceTimersByTimeAsync(300);
    preferences.apply({ theme: "system" });
    await vi.advanceTimersByTimeAsync(1000);
    expect(bodies).toEqual([{ preferences: { theme: "system" } }]);
  });

  it("saves nothing while signed out", async () => {
    renderHook(() => useAccountPreferences());
    preferences.apply({ theme: "dark" });
    await vi.advanceTimersByTimeAsync(2000);
    expect(bodies).toEqual([]);
  });
});
