import { useTranslation } from "react-i18next";
import { session } from "@/shared/session/session";

export function SignOutButton() {
  const { t } = useTranslation();
  return (
    <button type="button" className="btn btn-ghost" onClick={() => session.signedOut()}>
      {t("nav.signOut")}
    </button>
  );
}
