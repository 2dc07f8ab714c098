import i18next from "i18next";
import { ApiError } from "@/shared/api/errors";
import en from "@/shared/locales/en/errors.json";
import ru from "@/shared/locales/ru/errors.json";
import { errorText } from "./errorText";

const words = { en, ru } as const;

describe.each(["en", "ru"] as const)("errorText in %s", (language) => {
  const t = i18next.getFixedT(language);
  const text = words[language];

  it("says an API error code in words", () => {
    expect(errorText(t, new ApiError(409, "auth.email_taken", "raw"))).toBe(
      text["auth.email_taken"],
    );
    expect(errorText(t, new ApiError(409, "bet.odds_changed", "raw"))).toBe(
      text["bet.odds_changed"],
    );
    expect(errorText(t, new ApiError(503, "service_busy", "raw"))).toBe(text.service_busy);
    expect(errorText(t, new ApiError(402, "wallet.card_declined", "raw"))).toBe(
      text["wallet.card_declined"],
    );
  });

  it("falls back on the status for a code it does not know", () => {
    const unknownCode = (status: number) => errorText(t, new ApiError(status, "brand.new", "raw"));
    expect(unknownCode(401)).toBe(text.unauthorized);
    expect(unknownCode(403)).toBe(text.forbidden);
    expect(unknownCode(404)).toBe(text.not_found);
    expect(unknownCode(422)).toBe(text.validation_error);
    expect(unknownCode(429)).toBe(text.rate_limited);
    expect(unknownCode(418)).toBe(text.unknown);
  });

  it("says a proxy's non-JSON answer by its status code", () => {
    expect(errorText(t, new ApiError(502, "http.502", "Bad Gateway"))).toBe(text["http.502"]);
    expect(errorText(t, new ApiError(504, "http.504", "Gateway Timeout"))).toBe(text["http.504"]);
  });

  it("says the server could not be reached when offline", () => {
    expect(errorText(t, ApiError.offline())).toBe(text["network.offline"]);
  });

  it("says something went wrong for anything that is not an API error", () => {
    expect(errorText(t, new TypeError("Failed to fetch"))).toBe(text.unknown);
    expect(errorText(t, "boom")).toBe(text.unknown);
  });

  it("never shows the server's raw message", () => {
    const error = new ApiError(409, "auth.email_taken", "An account with this email exists.");
    expect(errorText(t, error)).not.toBe(error.message);
  });
});

it("has Russian words for every English key", () => {
  expect(Object.keys(ru).sort()).toEqual(Object.keys(en).sort());
});
