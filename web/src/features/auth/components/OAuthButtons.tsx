import { useTranslation } from "react-i18next";
import { authorizeUrl, OAUTH_PROVIDERS, type OAuthProviderName } from "../model/auth";
import { rememberOAuthStart } from "../model/oauthStart";

const LABEL: Record<OAuthProviderName, string> = { google: "Google", github: "GitHub" };

/**
 * Google and GitHub: a full-page navigation to the API, which answers with the provider's page;
 * the provider sends the browser back to /auth/callback/:provider.
 */
export function OAuthButtons({ rememberMe, next }: { rememberMe: boolean; next: string }) {
  const { t } = useTranslation("auth");
  const start = (provider: OAuthProviderName) => {
    rememberOAuthStart({ rememberMe, next });
    window.location.assign(authorizeUrl(provider, rememberMe));
  };
  return (
    <div className="auth-oauth">
      <p className="auth-divider">
        <span>{t("oauth.or")}</span>
      </p>
      {OAUTH_PROVIDERS.map((provider) => (
        <button
          key={provider}
          type="button"
          className={`btn btn-secondary auth-oauth-btn auth-oauth-${provider}`}
          onClick={() => start(provider)}
        >
          <span aria-hidden="true" className="auth-oauth-mark">
            {provider === "google" ? "G" : "⌥"}
          </span>
          {t("oauth.continueWith", { provider: LABEL[provider] })}
        </button>
      ))}
    </div>
  );
}
