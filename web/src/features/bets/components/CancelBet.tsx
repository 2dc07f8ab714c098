/** Cancel an open bet: ask once, then the server decides; a refusal is shown in words. */
import { useState } from "react";
import { useTranslation } from "react-i18next";
import { Button } from "@/shared/ui";
import { useCancelBet } from "../api/bets";
import { refusalText } from "./refusal";

export function CancelBet({ betId, compact = false }: { betId: string; compact?: boolean }) {
  const { t } = useTranslation("bets");
  const cancel = useCancelBet();
  const [asking, setAsking] = useState(false);
  if (cancel.isSuccess) {
    return (
      <p className="bets-cancel-done" role="status">
        {t("cancel.done")}
      </p>
    );
  }
  return (
    <div className={`bets-cancel${compact ? " bets-cancel-compact" : ""}`}>
      {asking ? (
        <div className="bets-cancel-confirm" role="group" aria-label={t("cancel.button")}>
          <span>{t("cancel.confirm")}</span>
          <Button
            variant="danger"
            busy={cancel.isPending}
            onClick={() => cancel.mutate(betId, { onSettled: () => setAsking(false) })}
          >
            {t("cancel.yes")}
          </Button>
          {/* Focus moves into the question (the safe answer), as the button that asked is gone. */}
          <Button
            variant="ghost"
            autoFocus
            onClick={() => setAsking(false)}
            disabled={cancel.isPending}
          >
            {t("cancel.no")}
          </Button>
        </div>
      ) : (
        <Button variant="secondary" onClick={() => setAsking(true)}>
          {t("cancel.button")}
        </Button>
      )}
      {cancel.isError ? (
        <div className="alert alert-error" role="alert">
          {refusalText(t, cancel.error)}
        </div>
      ) : null}
    </div>
  );
}
