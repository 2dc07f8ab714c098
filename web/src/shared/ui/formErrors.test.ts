import { act, renderHook } from "@testing-library/react";
import i18next from "i18next";
import { useForm } from "react-hook-form";
import { ApiError } from "@/shared/api/errors";
import en from "@/shared/locales/en/errors.json";
import ru from "@/shared/locales/ru/errors.json";
import { applyFieldErrors, CODE_FIELDS, validationText } from "./formErrors";

/** A 422 as the services answer it: one problem per `loc`. */
function unprocessable(...problems: [string, string][]): ApiError {
  const details = problems.map(([field, type]) => ({ loc: ["body", field], msg: "", type }));
  return new ApiError(422, "validation_error", "The request is not valid.", details);
}

interface SignUp {
  email: string;
  password: string;
  name: string;
}

beforeAll(async () => {
  await i18next.changeLanguage("en");
});

describe("applyFieldErrors", () => {
  it("puts each 422 problem next to its field, in words, focusing the first", () => {
    const setError = vi.fn();
    const error = unprocessable(["email", "missing"], ["password", "string_too_short"]);

    expect(applyFieldErrors<SignUp>(error, setError, ["email", "password", "name"])).toBe(true);

    expect(setError).toHaveBeenCalledTimes(2);
    expect(setError).toHaveBeenNthCalledWith(
      1,
      "email",
      { type: "missing", message: en["validation.missing"] },
      { shouldFocus: true },
    );
    expect(setError).toHaveBeenNthCalledWith(
      2,
      "password",
      { type: "string_too_short", message: en["validation.string_too_short"] },
      { shouldFocus: false },
    );
  });

  it("says a problem of an unknown type in general words", () => {
    const setError = vi.fn();
    applyFieldErrors<SignUp>(unprocessable(["name", "brand_new_type"]), setError, ["name"]);
    expect(setError).toHaveBeenCalledWith(
      "name",
      { type: "brand_new_type", message: en["validation.invalid"] },
      { shouldFocus: true },
    );
  });

  it("places nothing for fields the form does not have (the caller shows ErrorMessage)", () => {
    const setError = vi.fn();
    const placed = applyFieldErrors<SignUp>(unprocessable(["partner_id", "missing"]), setError, [
      "email",
    ]);
    expect(placed).toBe(false);
    expect(setError).not.toHaveBeenCalled();
  });

  it("puts a field's domain error next to that field", () => {
    const setError = vi.fn();
    const taken = new ApiError(409, "auth.email_taken", "An account with this email exists.");
    expect(applyFieldErrors<SignUp>(taken, setError, ["email", "password"])).toBe(true);
    expect(setError).toHaveBeenCalledWith(
      "email",
      { type: "auth.email_taken", message: en["auth.email_taken"] },
      { shouldFocus: true },
    );
  });

  it("picks the first candidate field the form has", () => {
    const tooShort = new ApiError(422, "auth.password_too_short", "");
    const signUp = vi.fn();
    applyFieldErrors<SignUp>(tooShort, signUp, ["email", "password"]);
    expect(signUp.mock.calls[0]?.[0]).toBe("password");

    const change = vi.fn();
    applyFieldErrors<{ current_password: string; new_password: string }>(tooShort, change, [
      "current_password",
      "new_password",
    ]);
    expect(change.mock.calls[0]?.[0]).toBe("new_password");
  });

  it("maps the API's field names onto the form's", () => {
    const setError = vi.fn();
    const low = new ApiError(422, "bet.stake_below_minimum", "");
    expect(applyFieldErrors<{ stake: string }>(low, setError, { bet_amount: "stake" })).toBe(true);
    expect(setError).toHaveBeenCalledWith(
      "stake",
      { type: "bet.stake_below_minimum", message: en["bet.stake_below_minimum"] },
      { shouldFocus: true },
    );
    const problem = unprocessable(["bet_amount", "decimal_parsing"]);
    applyFieldErrors<{ stake: string }>(problem, setError, { bet_amount: "stake" });
    expect(setError).toHaveBeenLastCalledWith(
      "stake",
      { type: "decimal_parsing", message: en["validation.decimal_parsing"] },
      { shouldFocus: true },
    );
  });

  it("takes a feature's own code → field map first", () => {
    const setError = vi.fn();
    const error = new ApiError(422, "wallet.withdrawal_method_invalid", "");
    const codeFields = { "wallet.withdrawal_method_invalid": ["iban"] };
    expect(applyFieldErrors<{ iban: string }>(error, setError, ["iban"], { codeFields })).toBe(
      true,
    );
    expect(setError.mock.calls[0]?.[1]).toEqual({
      type: "wallet.withdrawal_method_invalid",
      message: en["wallet.withdrawal_method_invalid"],
    });
  });

  it("leaves errors about no field, and anything not from the API, to ErrorMessage", () => {
    const setError = vi.fn();
    const fields = ["email", "password", "name"] as const;
    expect(
      applyFieldErrors<SignUp>(new ApiError(409, "bet.odds_changed", ""), setError, fields),
    ).toBe(false);
    expect(applyFieldErrors<SignUp>(ApiError.offline(), setError, fields)).toBe(false);
    expect(applyFieldErrors<SignUp>(new TypeError("boom"), setError, fields)).toBe(false);
    expect(applyFieldErrors<SignUp>(undefined, setError, fields)).toBe(false);
    expect(setError).not.toHaveBeenCalled();
  });

  it("writes in the language it is given", () => {
    const setError = vi.fn();
    const t = i18next.getFixedT("ru");
    applyFieldErrors<SignUp>(unprocessable(["email", "missing"]), setError, ["email"], { t });
    applyFieldErrors<SignUp>(new ApiError(409, "auth.email_taken", ""), setError, ["email"], {
      t,
    });
    expect(setError.mock.calls.map((call) => call[1].message)).toEqual([
      ru["validation.missing"],
      ru["auth.email_taken"],
    ]);
  });

  it("follows the app's language by default", async () => {
    const setError = vi.fn();
    await i18next.changeLanguage("ru");
    try {
      applyFieldErrors<SignUp>(unprocessable(["name", "string_too_long"]), setError, ["name"]);
    } finally {
      await i18next.changeLanguage("en");
    }
    expect(setError.mock.calls[0]?.[1].message).toBe(ru["validation.string_too_long"]);
  });

  it("shows on a real react-hook-form form", () => {
    const { result } = renderHook(() => useForm<SignUp>());
    act(() => {
      applyFieldErrors(new ApiError(409, "auth.email_taken", ""), result.current.setError, [
        "email",
      ]);
    });
    expect(result.current.getFieldState("email").error?.message).toBe(en["auth.email_taken"]);
    expect(result.current.getFieldState("password").error).toBeUndefined();
  });
});

it("maps only codes the API has (each one translated)", () => {
  const translated = new Set(Object.keys(en));
  expect(Object.keys(CODE_FIELDS).filter((code) => !translated.has(code))).toEqual([]);
});

describe("validationText", () => {
  it("finds the flat validation keys, with or without a key separator", () => {
    const t = i18next.getFixedT("en");
    expect(validationText(t, "missing")).toBe(en["validation.missing"]);
    // A feature may look them up plainly: i18next still finds a flat key with dots in it.
    expect(t("validation.missing", { ns: "errors" })).toBe(en["validation.missing"]);
  });
});
