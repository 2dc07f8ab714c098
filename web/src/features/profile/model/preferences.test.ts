import { describe, expect, it } from "vitest";
import type { SessionUser } from "@/shared/session/session";
import { accountPreferences, unsaved } from "./preferences";

const user = (preferences: unknown) =>
  ({ id: "u", email: "e", name: "n", role: "user", is_verified: true, preferences }) as SessionUser;

describe("accountPreferences", () => {
  it("keeps the valid keys only", () => {
    expect(
      accountPreferences(user({ language: "ru", theme: "neon", odds_format: "american" })),
    ).toEqual({
      language: "ru",
      odds_format: "american",
    });
    expect(accountPreferences(user(undefined))).toEqual({});
    expect(accountPreferences(user("dark"))).toEqual({});
  });
});

describe("unsaved", () => {
  it("lists what the account lacks or has otherwise", () => {
    const local = { language: "en", theme: "dark", odds_format: "decimal" } as const;
    expect(unsaved(local, { language: "en", theme: "light" })).toEqual({
      theme: "dark",
      odds_format: "decimal",
    });
    expect(unsaved(local, local)).toEqual({});
  });
});
