import { useState } from "react";
import { useTranslation } from "react-i18next";
import { useNavigate } from "react-router";
import { Button } from "@/shared/ui";
import { signOut } from "../api/auth";

export function SignOutButton() {
  const { t } = useTranslation();
  const navigate = useNavigate();
  const [busy, setBusy] = useState(false);
  const onClick = async () => {
    setBusy(true);
    await signOut();
    setBusy(false);
    void navigate("/", { replace: true });
  };
  return (
    <Button variant="ghost" busy={busy} onClick={() => void onClick()}>
      {t("nav.signOut")}
    </Button>
  );
}
