import type { TFunction } from "i18next";
import { isApiError } from "@/shared/api/errors";
import { errorText } from "@/shared/ui";
import type { Issue } from "../model/validation";

/** A form issue in words (amounts formatted by `money`). */
export function issueText(t: TFunction, issue: Issue, money: (cents: number) => string): string {
  return t(issue.key, {
    ns: "wallet",
    amount: issue.cents === undefined ? "" : money(issue.cents),
  });
}

/** A card decline (Stripe's decline code) in words. */
export function declineText(t: TFunction, code: string | null | undefined): string {
  const key = code ?? "card_declined";
  return t(`declined.${key}`, {
    ns: "wallet",
    defaultValue: t("declined.other", { ns: "wallet", code: key }),
  });
}

/** The API's refusal in words: a decline by its decline code, anything else by its code. */
export function refusalText(t: TFunction, error: unknown): string {
  if (isApiError(error) && error.code === "wallet.card_declined") {
    const details = error.details as { decline_code?: string | null } | null;
    return declineText(t, details?.decline_code);
  }
  return errorText(t, error);
}
