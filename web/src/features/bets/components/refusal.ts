import type { TFunction } from "i18next";
import { isApiError } from "@/shared/api/errors";
import { errorText } from "@/shared/ui";

// The refusals a cancel can meet, in this page's words (more precise than the generic text).
const REFUSALS: Record<string, string> = {
  "bet.event_started": "cancel.refused.eventStarted",
  "bet.not_cancellable": "cancel.refused.notCancellable",
};

/** Why a cancel was refused, in words; any other error as the API's error text. */
export function refusalText(t: TFunction, error: unknown): string {
  const key = isApiError(error) ? REFUSALS[error.code] : undefined;
  return key ? t(key, { ns: "bets" }) : errorText(t, error);
}
