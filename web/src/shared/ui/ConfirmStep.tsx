import { useEffect, useId, useRef, useState, type ReactNode } from "react";
import { useTranslation } from "react-i18next";
import { Button } from "./components";

type Variant = "primary" | "secondary" | "ghost" | "danger";

/**
 * A money, access, limit or break change asks once more, in place: the question says what will
 * happen (the price, the refund, the end) and the same label confirms it; `children` say the rest
 * (what stops, what stays). No modal: it stays in the keyboard order and fits a phone. Focus moves
 * to the confirming button, back to the first one after "Back". `ready` checks the form first:
 * false keeps the question closed.
 *
 * Looks: `variant` is the first button's (the confirming one is `danger` for a danger variant,
 * `primary` otherwise, unless `confirmVariant` says); `danger` is the short form of a quiet first
 * button and a red confirming one.
 */
export function ConfirmStep({
  label,
  question,
  children,
  onConfirm,
  ready = () => true,
  busy = false,
  disabled = false,
  danger = false,
  variant = danger ? "secondary" : "primary",
  confirmVariant,
}: {
  label: string;
  question: string;
  children?: ReactNode;
  onConfirm: () => void;
  ready?: () => boolean;
  busy?: boolean;
  disabled?: boolean;
  danger?: boolean;
  variant?: Variant;
  confirmVariant?: "primary" | "danger";
}) {
  const { t } = useTranslation();
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
        onClick={() => setAsking(ready())}
      >
        {busy ? <span className="spinner" aria-hidden="true" /> : null}
        {label}
      </button>
    );
  }
  const confirming = confirmVariant ?? (danger || variant === "danger" ? "danger" : "primary");
  return (
    <div className="confirm-step" role="group" aria-labelledby={`${id}-q`}>
      <p id={`${id}-q`} className="confirm-step-question">
        {question}
      </p>
      {children}
      <div className="confirm-step-actions">
        <button
          ref={confirmRef}
          type="button"
          className={`btn btn-${confirming}`}
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
