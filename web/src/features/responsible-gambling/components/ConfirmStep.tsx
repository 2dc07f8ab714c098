import { useEffect, useId, useRef, useState, type ReactNode } from "react";
import { useTranslation } from "react-i18next";
import { Button } from "@/shared/ui";

/**
 * A limit or a break asks once more, in place (billing's pattern): the question says what will
 * happen and the same label confirms it; `children` say the rest (what stops, what stays). No
 * modal: it keeps the keyboard order and fits a phone. Focus moves to the confirming button and
 * back after "Back". `ready` checks the form first: false keeps the question closed.
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
}: {
  label: string;
  question: string;
  children?: ReactNode;
  onConfirm: () => void;
  ready?: () => boolean;
  busy?: boolean;
  disabled?: boolean;
  danger?: boolean;
}) {
  const { t } = useTranslation("responsible-gambling");
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
      <button
        ref={openRef}
        type="button"
        className={`btn btn-${danger ? "secondary" : "primary"}`}
        disabled={disabled || busy}
        aria-busy={busy || undefined}
        onClick={() => setAsking(ready())}
      >
        {busy ? <span className="spinner" aria-hidden="true" /> : null}
        {label}
      </button>
    );
  }
  return (
    <div className="rg-confirm" role="group" aria-labelledby={`${id}-q`}>
      <p id={`${id}-q`} className="rg-confirm-question">
        {question}
      </p>
      {children}
      <div className="rg-row">
        <button
          ref={confirmRef}
          type="button"
          className={`btn btn-${danger ? "danger" : "primary"}`}
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
