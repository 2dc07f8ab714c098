import { useTranslation } from "react-i18next";
import { formatDateTime } from "@/shared/format/money";
import { Button, Card, EmptyState, ErrorMessage, Skeleton } from "@/shared/ui";
import { useEndSessions, useSessions } from "../api/profile";
import { deviceOf } from "../model/device";

/** Where the account is signed in; end one session, or every other one. */
export function SessionsCard() {
  const { t, i18n } = useTranslation("profile");
  const sessions = useSessions();
  const end = useEndSessions();
  // This device first, then the most recently used.
  const list = [...(sessions.data ?? [])].sort(
    (a, b) =>
      Number(b.current) - Number(a.current) ||
      (b.last_used_at ?? b.created_at).localeCompare(a.last_used_at ?? a.created_at),
  );
  const others = list.filter((session) => !session.current);
  const describe = (userAgent: string | null) => {
    const { browser, system } = deviceOf(userAgent);
    if (browser && system) return t("sessions.device", { browser, system });
    // Not a browser we know (an app, curl): its own name, shortened, says more than "unknown".
    return browser ?? system ?? (userAgent?.slice(0, 40) || t("sessions.unknownDevice"));
  };
  return (
    <Card title={t("sessions.title")}>
      <ErrorMessage error={end.error} />
      {sessions.isPending ? <Skeleton lines={3} height="2.5rem" /> : null}
      {sessions.isError ? (
        <ErrorMessage error={sessions.error} onRetry={() => void sessions.refetch()} />
      ) : null}
      {sessions.data?.length === 0 ? <EmptyState /> : null}
      <ul className="profile-sessions">
        {list.map((session) => (
          <li key={session.id} className="profile-session">
            <div>
              <strong>{describe(session.user_agent)}</strong>{" "}
              {session.current ? (
                <span className="badge badge-won">{t("sessions.current")}</span>
              ) : null}
              <div className="muted profile-small">
                {[
                  session.ip,
                  t("sessions.lastUsed", {
                    when: formatDateTime(session.last_used_at ?? session.created_at, i18n.language),
                  }),
                  session.remember_me ? t("sessions.remembered") : null,
                ]
                  .filter(Boolean)
                  .join(" · ")}
              </div>
            </div>
            {session.current ? null : (
              <Button
                variant="ghost"
                disabled={end.isPending}
                aria-label={t("sessions.endOne", { device: describe(session.user_agent) })}
                onClick={() => end.mutate([session.id])}
              >
                {t("sessions.end")}
              </Button>
            )}
          </li>
        ))}
      </ul>
      {others.length > 0 ? (
        <div className="profile-actions">
          <Button
            variant="secondary"
            busy={end.isPending}
            onClick={() => end.mutate(others.map((session) => session.id))}
          >
            {t("sessions.endOthers")}
          </Button>
        </div>
      ) : null}
    </Card>
  );
}
