import { describe, expect, it } from "vitest";
import {
  authorizeUrl,
  emailCodeSchema,
  isChallenge,
  isTokenAnswer,
  passwordSchema,
  safeNext,
} from "./auth";

describe("safeNext", () => {
  it("keeps a path of the app", () => {
    expect(safeNext("/bets?status=open")).toBe("/bets?status=open");
  });
  it.each([null, "", "bets", "//evil.example/x", "/\\evil.example", "https://evil.example"])(
    "refuses %s",
    (next) => {
      expect(safeNext(next)).toBe("/");
    },
  );
});

describe("answers", () => {
  it("tells a 2-FA challenge from tokens", () => {
    const challenge = { two_factor_required: true, challenge: "abc", expires_in: 300 };
    expect(isChallenge(challenge)).toBe(true);
    expect(isTokenAnswer(challenge)).toBe(false);
    expect(isChallenge({ access_token: "t" })).toBe(false);
    expect(isTokenAnswer({ access_token: "t" })).toBe(true);
    expect(isChallenge(null)).toBe(false);
  });
});

describe("fields", () => {
  it("follows the server's password length", () => {
    expect(passwordSchema.safeParse("1234567").success).toBe(false);
    expect(passwordSchema.safeParse("12345678").success).toBe(true);
    expect(passwordSchema.safeParse("x".repeat(257)).success).toBe(false);
  });
  it("takes a six-digit code, spaces dropped", () => {
    expect(emailCodeSchema.parse(" 123 456 ")).toBe("123456");
    expect(emailCodeSchema.safeParse("12345").success).toBe(false);
    expect(emailCodeSchema.safeParse("12345a").success).toBe(false);
  });
  it("builds the provider's start address", () => {
    expect(authorizeUrl("github", true)).toBe("/api/auth/github/authorize?remember_me=true");
  });
});
