import { useState } from "react";
import { useTranslation } from "react-i18next";
import type { UseFormRegisterReturn } from "react-hook-form";
import { Button, TextField } from "@/shared/ui";

/** A partner's signing secret: a password input, "Show", and "Generate" (48 random characters). */
export function SecretField({
  label,
  error,
  registration,
  onGenerate,
}: {
  label: string;
  error: string | undefined;
  registration: UseFormRegisterReturn;
  onGenerate: () => void;
}) {
  const { t } = useTranslation("admin");
  const [shown, setShown] = useState(false);
  return (
    <div className="admin-secret">
      <TextField
        label={label}
        type={shown ? "text" : "password"}
        autoComplete="new-password"
        spellCheck={false}
        hint={t("partners.secretHint")}
        error={error}
        {...registration}
      />
      <div className="admin-row">
        <Button variant="secondary" onClick={onGenerate}>
          {t("partners.generate")}
        </Button>
        <Button variant="ghost" aria-pressed={shown} onClick={() => setShown((value) => !value)}>
          {t("partners.showSecret")}
        </Button>
      </div>
    </div>
  );
}
