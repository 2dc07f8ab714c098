import { useEffect, useId, useRef, useState } from "react";
import { useTranslation } from "react-i18next";
import { Button } from "@/shared/ui";

/**
 * A money or access change asks once more, in place: the question says what will happen (the
 * price, the refund, the paid end) and the same label confirms it. No modal: it stays in the
 * keyboard order and fits a phone. Focus moves to the confirming button, back after "Back".
 */
export function ConfirmStep({
  label,
  question,
  onConfirm,
  busy = false,
  disabled = false,
  variant = "primary",
  confirmVariant,
}: {
  label: string;
  question: string;
  onConfirm: () => void;
  busy?: boolean;
  disabled?: boolean;
  variant?: "primary" | "secondary" | "ghost" | "danger";
  confirmVariant?: "primary" | "danger";
}) {
  const { t } = useTranslation("billing");
  const [asking, setAsking] = useState(false);
  const confirmRef = useRef<HTMLButtonElement>(null);
  const openRef = useRef<HTMLButtonElement>(null);
  const returnFocus = useRef(false);
  const id = useId();
  useEffect(() => {
    if (asking) confirmRef.current?.focus();
    else if (returnFocus.current) openRef.current?.focus();
    returnFocus.current = false;
  }, [asking]);
  if (!asking) {
    return (
      // A plain button, not the design system's: focus comes back to it after "Back".
      <button
        ref={openRef}
        type="button"
        className={`btn btn-${variant}`}
        disabled={disabled || busy}
        aria-busy={busy || undefined}
        onClick={() => setAsking(true)}
      >
        {busy ? <span className="spinner" aria-hidden="true" /> : null}
        {label}
      </button>
    );
  }
  return (
    <div className="billing-confirm" role="group" aria-labelledby={`${id}-q`}>
      <p id={`${id}-q`} className="billing-confirm-question">
        {question}
      </p>
      <div className="billing-row">
        <button
          ref={confirmRef}
          type="button"
          className={`btn btn-${confirmVariant ?? (variant === "danger" ? "danger" : "primary")}`}
          onClick={() => {
            setAsking(false);
            onConfirm();
          }}
        >
          {label}
        </button>
        <Button
          variant="ghost"
          onClick={() => {
            returnFocus.current = true;
            setAsking(false);
          }}
        >
          {t("actions.back")}
        </Button>
      </div>
    </div>
  );
}
