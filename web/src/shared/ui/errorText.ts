import type { TFunction } from "i18next";
import { isApiError } from "@/shared/api/errors";

/** An API error in the user's language: the code's translation, else one by status. */
export function errorText(t: TFunction, error: unknown): string {
  if (!isApiError(error)) return t("unknown", { ns: "errors" });
  const options = { ns: "errors", keySeparator: false, defaultValue: "" } as const;
  const byCode = t(error.code, options);
  if (byCode) return byCode;
  const byStatus: Record<number, string> = {
    401: "unauthorized",
    403: "forbidden",
    404: "not_found",
    422: "validation_error",
    429: "rate_limited",
  };
  const key = byStatus[error.status];
  return key ? t(key, options) : t("unknown", { ns: "errors" });
}
