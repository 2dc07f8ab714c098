import { useTranslation } from "react-i18next";
import { NotificationsLink } from "@/features/notifications";
import { ResponsibleGamblingLink } from "@/features/responsible-gambling";
import { RequireAuth } from "@/shared/session/guards";
import { useSession } from "@/shared/session/session";
import { PageTitle } from "@/shared/ui";
import { AccountCard } from "../components/AccountCard";
import { PasswordCard } from "../components/PasswordCard";
import { PreferencesCard } from "../components/PreferencesCard";
import { SessionsCard } from "../components/SessionsCard";
import { TwoFactorCard } from "../components/TwoFactorCard";
import "../profile.css";

export function Component() {
  return (
    <RequireAuth>
      <Profile />
    </RequireAuth>
  );
}

function Profile() {
  const { t } = useTranslation("profile");
  const { user } = useSession();
  if (!user) return null;
  return (
    <div className="profile-page">
      <PageTitle
        actions={
          <span className="profile-actions">
            <NotificationsLink className="btn btn-secondary" />
            <ResponsibleGamblingLink className="btn btn-secondary" />
          </span>
        }
      >
        {t("title")}
      </PageTitle>
      <div className="profile-grid">
        <div className="profile-column">
          {/* Keyed by user: a different account gets fresh forms. */}
          <AccountCard key={user.id} user={user} />
          <PreferencesCard />
        </div>
        <div className="profile-column">
          <PasswordCard />
          <TwoFactorCard user={user} />
        </div>
      </div>
      <SessionsCard />
    </div>
  );
}
