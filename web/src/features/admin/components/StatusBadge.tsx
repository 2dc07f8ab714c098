import { useTranslation } from "react-i18next";

const TONE: Record<string, string> = {
  live: "badge-live",
  won: "admin-badge-ok",
  completed: "admin-badge-ok",
  active: "admin-badge-ok",
  open: "admin-badge-ok",
  verified: "admin-badge-ok",
  lost: "badge-lost",
  cancelled: "badge-lost",
  rejected: "badge-lost",
  blocked: "badge-lost",
  suspended: "admin-badge-warn",
  postponed: "admin-badge-warn",
  pending: "admin-badge-warn",
  unverified: "admin-badge-warn",
};

/** A status word in the user's language; the colour only repeats what the word says. */
export function StatusBadge({ status }: { status: string }) {
  const { t } = useTranslation("admin");
  return (
    <span className={`badge ${TONE[status] ?? ""}`}>
      {t(`status.${status}`, { defaultValue: status })}
    </span>
  );
}
