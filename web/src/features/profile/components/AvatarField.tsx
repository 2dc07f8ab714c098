import { useRef, useState } from "react";
import { useTranslation } from "react-i18next";
import type { SessionUser } from "@/shared/session/session";
import { ErrorMessage } from "@/shared/ui";
import { uploadAvatar } from "../api/profile";

/** The picture and its upload: an <img> of the public avatar URL (no bearer needed). */
export function AvatarField({ user }: { user: SessionUser }) {
  const { t } = useTranslation("profile");
  const input = useRef<HTMLInputElement>(null);
  const [busy, setBusy] = useState(false);
  const [failure, setFailure] = useState<unknown>(null);
  const initials = user.name
    .split(/\s+/)
    .map((part) => part.charAt(0))
    .join("")
    .slice(0, 2)
    .toUpperCase();

  const upload = async (file: File | undefined) => {
    if (!file) return;
    setBusy(true);
    setFailure(null);
    try {
      await uploadAvatar(file);
    } catch (error) {
      setFailure(error);
    } finally {
      setBusy(false);
      if (input.current) input.current.value = "";
    }
  };

  return (
    <div className="profile-avatar-row">
      {user.avatar_url ? (
        <img
          className="profile-avatar"
          src={user.avatar_url}
          alt={t("avatar.alt")}
          width={72}
          height={72}
        />
      ) : (
        <span className="profile-avatar profile-avatar-empty" aria-hidden="true">
          {initials || "?"}
        </span>
      )}
      <div className="profile-avatar-side">
        <label className="btn btn-secondary profile-upload" aria-busy={busy || undefined}>
          {busy ? <span className="spinner" aria-hidden="true" /> : null}
          {user.avatar_url ? t("avatar.change") : t("avatar.upload")}
          <input
            ref={input}
            type="file"
            accept="image/jpeg,image/png,image/webp"
            className="visually-hidden"
            disabled={busy}
            onChange={(event) => void upload(event.target.files?.[0])}
          />
        </label>
        <p className="muted profile-small">{t("avatar.hint")}</p>
        <ErrorMessage error={failure} />
      </div>
    </div>
  );
}
