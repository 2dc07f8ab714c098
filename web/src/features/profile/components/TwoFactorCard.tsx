import { useState } from "react";
import { useTranslation } from "react-i18next";
import type { SessionUser } from "@/shared/session/session";
import { Card } from "@/shared/ui";
import { twoFactorChanged } from "../api/profile";
import { TwoFactorDisable } from "./TwoFactorDisable";
import { TwoFactorSetup } from "./TwoFactorSetup";

/** 2-FA: set up (password → QR code → a code) and the recovery codes shown once; or turn off. */
export function TwoFactorCard({ user }: { user: SessionUser }) {
  const { t } = useTranslation("profile");
  const [codes, setCodes] = useState<string[] | null>(null);
  const enabled = user.two_factor_enabled === true;
  return (
    <Card
      title={t("twoFactor.title")}
      actions={
        <span className={`badge${enabled ? " badge-won" : ""}`}>
          {enabled ? t("twoFactor.on") : t("twoFactor.off")}
        </span>
      }
    >
      {codes ? (
        <RecoveryCodes codes={codes} onDone={() => setCodes(null)} />
      ) : enabled ? (
        <TwoFactorDisable onDisabled={() => twoFactorChanged(false)} />
      ) : (
        <TwoFactorSetup
          onEnabled={(recovery) => {
            setCodes(recovery);
            twoFactorChanged(true);
          }}
        />
      )}
    </Card>
  );
}

function RecoveryCodes({ codes, onDone }: { codes: string[]; onDone: () => void }) {
  const { t } = useTranslation("profile");
  return (
    <div>
      <p className="alert alert-success" role="status">
        {t("twoFactor.enabled")}
      </p>
      <p>{t("twoFactor.recoveryIntro")}</p>
      <ul className="profile-codes num" aria-label={t("twoFactor.recoveryTitle")}>
        {codes.map((code) => (
          <li key={code}>{code}</li>
        ))}
      </ul>
      <button type="button" className="btn btn-primary" onClick={onDone}>
        {t("twoFactor.saved")}
      </button>
    </div>
  );
}
