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

  it("keeps a reality-check interval in auth's range, and null (off) as a choice", () => {
    expect(accountPreferences(user({ reality_check_minutes: 45 }))).toEqual({
      reality_check_minutes: 45,
    });
    expect(accountPreferences(user({ reality_check_minutes: null }))).toEqual({
      reality_check_minutes: null,
    });
    expect(accountPreferences(user({ reality_check_minutes: 5 }))).toEqual({});
    expect(accountPreferences(user({ reality_check_minutes: "30" }))).toEqual({});
  });
});

describe("unsaved", () => {
  it("lists what the account lacks or has otherwise", () => {
    const local = {
      language: "en",
      theme: "dark",
      odds_format: "decimal",
      reality_check_minutes: null,
    } as const;
    expect(unsaved(local, { language: "en", theme: "light" })).toEqual({
      theme: "dark",
      odds_format: "decimal",
    });
    expect(unsaved(local, local)).toEqual({});
  });

  it("saves a reality-check interval the account lacks, and turning it off", () => {
    const local = {
      language: "en",
      theme: "dark",
      odds_format: "decimal",
      reality_check_minutes: 30,
    } as const;
    const account = { language: "en", theme: "dark", odds_format: "decimal" } as const;
    expect(unsaved(local, account)).toEqual({ reality_check_minutes: 30 });
    expect(unsaved({ ...local, reality_check_minutes: null }, account)).toEqual({});
    expect(
      unsaved({ ...local, reality_check_minutes: null }, { ...account, reality_check_minutes: 30 }),
    ).toEqual({ reality_check_minutes: null });
  });
});
