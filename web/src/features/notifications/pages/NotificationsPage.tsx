import { useEffect, useState } from "react";
import { useTranslation } from "react-i18next";
import { Link } from "react-router";
import { RequireAuth } from "@/shared/session/guards";
import { Card, ErrorMessage, errorText, PageTitle, Skeleton } from "@/shared/ui";
import {
  useNotificationPreferences,
  useSwitchKind,
  type SwitchRequest,
} from "../api/notifications";
import { HistoryTable } from "../components/HistoryTable";
import { KindsTable } from "../components/KindsTable";
import { TelegramCard } from "../components/TelegramCard";
import "../notifications.css";

interface Notice {
  tone: "success" | "error";
  text: string;
}

/** A short message that goes by itself (the app's "toast": a live region, no focus taken). */
function useNotice() {
  const [notice, setNotice] = useState<Notice | null>(null);
  useEffect(() => {
    if (!notice) return;
    const timer = window.setTimeout(() => setNotice(null), 6000);
    return () => window.clearTimeout(timer);
  }, [notice]);
  return [notice, setNotice] as const;
}

/**
 * Notifications (issue 23): the address mail goes to, which kinds go by email and by Telegram
 * (each switch saved at once, put back if refused), the Telegram link, and what was sent.
 */
export function NotificationsPage() {
  const { t } = useTranslation("notifications");
  const { t: tc } = useTranslation();
  const preferences = useNotificationPreferences();
  const switchKind = useSwitchKind();
  const [notice, setNotice] = useNotice();

  const onSwitch = (request: SwitchRequest) =>
    switchKind.mutate(request, {
      onSuccess: () => setNotice({ tone: "success", text: t("kinds.saved") }),
      onError: (error) =>
        setNotice({ tone: "error", text: t("kinds.notSaved", { reason: errorText(tc, error) }) }),
    });

  return (
    <div className="notif-page">
      <PageTitle>{t("title")}</PageTitle>
      <p className="muted notif-intro">{t("intro")}</p>
      <div className="notif-toast" role="status" aria-live="polite">
        {notice ? <p className={`alert alert-${notice.tone}`}>{notice.text}</p> : null}
      </div>
      {preferences.error ? (
        <ErrorMessage error={preferences.error} onRetry={() => void preferences.refetch()} />
      ) : !preferences.data ? (
        <Skeleton lines={6} height="2rem" />
      ) : (
        <div className="notif-grid">
          <Card title={t("kinds.title")} className="notif-card notif-kinds-card">
            <dl className="notif-facts">
              <div>
                <dt>{t("email.label")}</dt>
                <dd>{preferences.data.email ?? t("email.none")}</dd>
              </div>
            </dl>
            <p className="muted">
              {t("language.note")} <Link to="/profile">{t("language.link")}</Link>
            </p>
            <KindsTable preferences={preferences.data} onSwitch={onSwitch} />
          </Card>
          <TelegramCard
            chatId={preferences.data.telegram_chat_id}
            onDone={(text) => setNotice({ tone: "success", text })}
          />
        </div>
      )}
      <Card title={t("history.title")} className="notif-card">
        <HistoryTable />
      </Card>
    </div>
  );
}

export function Component() {
  return (
    <RequireAuth>
      <NotificationsPage />
    </RequireAuth>
  );
}
