import { useEffect, useId, useRef, useState } from "react";
import { useTranslation } from "react-i18next";
import { Button } from "@/shared/ui";

/**
 * An irreversible action asks once more, in place (no modal: it stays in the keyboard order and
 * works at any width). Focus moves to the confirming button, and back to the action after "Back".
 */
export function ConfirmButton({
  label,
  question,
  onConfirm,
  busy = false,
  danger = true,
}: {
  label: string;
  question: string;
  onConfirm: () => void;
  busy?: boolean;
  danger?: boolean;
}) {
  const { t } = useTranslation("admin");
  const [asking, setAsking] = useState(false);
  const confirmRef = useRef<HTMLButtonElement>(null);
  const id = useId();
  useEffect(() => {
    if (asking) confirmRef.current?.focus();
  }, [asking]);
  if (!asking) {
    return (
      <Button variant="secondary" busy={busy} onClick={() => setAsking(true)}>
        {label}
      </Button>
    );
  }
  return (
    <div className="admin-confirm" role="group" aria-labelledby={`${id}-q`}>
      <p id={`${id}-q`} className="admin-confirm-question">
        {question}
      </p>
      <div className="admin-row">
        <button
          ref={confirmRef}
          type="button"
          className={`btn ${danger ? "btn-danger" : "btn-primary"}`}
          onClick={() => {
            setAsking(false);
            onConfirm();
          }}
        >
          {label}
        </button>
        <Button variant="ghost" onClick={() => setAsking(false)}>
          {t("actions.back")}
        </Button>
      </div>
    </div>
  );
}
