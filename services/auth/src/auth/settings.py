from __future__ import annotations

from typing import ClassVar

from pydantic import Field
from pydantic_settings import SettingsConfigDict

from common.settings import ServiceSettings, dev_database_url, dev_rabbitmq_url

# Development defaults: production (ENVIRONMENT=production) refuses to start with them.
DEV_CODE_PEPPER = "dev-only-code-pepper-change-me"
# 32 known bytes, base64url: fine for a laptop, refused in production.
DEV_KEY_ENCRYPTION_KEY = "ZGV2LW9ubHkta2V5LWVuY3J5cHRpb24ta2V5LTMyYiE="


class Settings(ServiceSettings):
    """auth settings: shared variables unprefixed, its own prefixed `AUTH_`."""

    model_config = SettingsConfigDict(env_prefix="AUTH_")
    service_name: ClassVar[str] = "auth"

    port: int = 8001
    database_url: str = dev_database_url("auth")
    # Logs in to RabbitMQ as its own user "auth" (publishes only auth.* keys).
    rabbitmq_url: str = dev_rabbitmq_url("auth")

    # Where browsers reach the platform (the gateway): OAuth redirect URIs are built from it.
    public_url: str = "http://127.0.0.1:8000"

    # tokens and sessions ------------------------------------------------------------------
    access_ttl_s: int = 900
    session_ttl_s: int = 24 * 3600
    remember_me_session_ttl_s: int = 30 * 24 * 3600
    # How long a replica keeps using the signing key it loaded before re-reading the table.
    signing_key_cache_s: float = 30.0
    # AES-256-GCM key (base64url, 32 bytes) that encrypts signing keys and TOTP secrets at rest.
    key_encryption_key: str = DEV_KEY_ENCRYPTION_KEY

    # passwords (argon2id; defaults are OWASP's minimum: m=19 MiB, t=2, p=1) -----------------
    argon2_time_cost: int = Field(2, ge=1)
    argon2_memory_kib: int = Field(19456, ge=8)
    argon2_parallelism: int = Field(1, ge=1)
    # Hashes computed at once per process (each takes argon2_memory_kib of RAM).
    argon2_max_concurrency: int = Field(4, ge=1)

    # emailed codes (verification, password reset) -------------------------------------------
    code_pepper: str = DEV_CODE_PEPPER
    code_ttl_s: int = 900
    code_max_attempts: int = 5
    code_resend_interval_s: int = 60
    # Wrong codes per address, across re-issued codes and both purposes, within the window;
    # reaching the limit pauses the address's code flows for the window (docs/auth.md).
    code_lockout_max_failures: int = Field(10, ge=1)
    code_lockout_window_s: int = Field(24 * 3600, ge=60)
    # Per address (Redis): codes presented (verify-email, reset-password; then 429) and code
    # emails sent (forgot-password, resend, sign-up notice; then silently not sent) per window.
    code_check_max_per_email: int = Field(10, ge=1)
    code_check_window_s: int = Field(900, ge=1)
    code_mail_max_per_email: int = Field(5, ge=1)
    code_mail_window_s: int = Field(3600, ge=1)

    # sign-in throttling (Redis) -------------------------------------------------------------
    signin_account_max_failures: int = 5
    signin_ip_max_failures: int = 50
    signin_failure_window_s: int = 900
    signin_lockout_base_s: int = 60
    signin_lockout_max_s: int = 900

    # email (SMTP) ---------------------------------------------------------------------------
    smtp_host: str = "127.0.0.1"
    smtp_port: int = 1025
    smtp_username: str = ""
    smtp_password: str = ""
    smtp_starttls: bool = False
    smtp_use_tls: bool = False
    smtp_timeout_s: float = 10.0
    mail_from: str = "LOOSELINE <no-reply@looseline.dev>"

    # two-factor authentication -------------------------------------------------------------
    totp_issuer: str = "LOOSELINE"
    recovery_code_count: int = 10
    # A sign-in that still needs a second factor (OAuth users with 2FA) waits this long.
    two_factor_challenge_ttl_s: int = 300

    # avatars --------------------------------------------------------------------------------
    avatar_dir: str = "var/avatars"
    avatar_max_bytes: int = 2 * 1024 * 1024
    avatar_max_px: int = 512

    # OAuth providers ------------------------------------------------------------------------
    oauth_state_ttl_s: int = 600
    oauth_timeout_s: float = 10.0
    google_client_id: str = ""
    google_client_secret: str = ""
    google_authorize_url: str = "https://accounts.google.com/o/oauth2/v2/auth"
    google_token_url: str = "https://oauth2.googleapis.com/token"  # noqa: S105
    google_userinfo_url: str = "https://openidconnect.googleapis.com/v1/userinfo"
    github_client_id: str = ""
    github_client_secret: str = ""
    github_authorize_url: str = "https://github.com/login/oauth/authorize"
    github_token_url: str = "https://github.com/login/oauth/access_token"  # noqa: S105
    github_user_url: str = "https://api.github.com/user"
    github_emails_url: str = "https://api.github.com/user/emails"

    # first admin (created or promoted at startup when both are set) ------------------------
    admin_email: str = Field("", validation_alias="ADMIN_EMAIL")
    admin_password: str = Field("", validation_alias="ADMIN_PASSWORD")
    # An existing account with ADMIN_EMAIL is promoted only if verified and ADMIN_PASSWORD is
    # its password; true promotes it anyway (set it for one start, then back to false).
    admin_promote_existing: bool = False

    # deny-list ----------------------------------------------------------------------------
    # How often the sessions revoked within the last access-token lifetime are written to the
    # Redis deny-list again: a revocation whose write failed (Redis away) is retried, not lost.
    deny_list_resend_interval_s: float = Field(5.0, gt=0)

    def weak_secrets(self) -> list[str]:
        weak = super().weak_secrets()
        if self.code_pepper == DEV_CODE_PEPPER or len(self.code_pepper) < 16:
            weak.append("AUTH_CODE_PEPPER")
        if self.key_encryption_key == DEV_KEY_ENCRYPTION_KEY:
            weak.append("AUTH_KEY_ENCRYPTION_KEY")
        # Browsers come back here with OAuth codes; the provider calls carry the client secret.
        weak.extend(
            self.not_https(
                "public_url",
                "google_authorize_url",
                "google_token_url",
                "google_userinfo_url",
                "github_authorize_url",
                "github_token_url",
                "github_user_url",
                "github_emails_url",
            )
        )
        if not (self.smtp_starttls or self.smtp_use_tls):
            # Codes and reset links would cross the network in clear (and the SMTP password).
            weak.append("AUTH_SMTP_STARTTLS/AUTH_SMTP_USE_TLS (mail without TLS)")
        return weak
