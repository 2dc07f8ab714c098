from __future__ import annotations

from typing import ClassVar

from pydantic import Field, SecretStr
from pydantic_settings import SettingsConfigDict

from common.settings import ServiceSettings, dev_database_url, dev_rabbitmq_url

# A Telegram bot token is "<bot id>:<35 characters>"; anything much shorter is not a real one.
MIN_TELEGRAM_TOKEN_CHARS = 40


class Settings(ServiceSettings):
    """notifications settings: shared variables unprefixed, its own prefixed `NOTIFICATIONS_`."""

    model_config = SettingsConfigDict(env_prefix="NOTIFICATIONS_")
    service_name: ClassVar[str] = "notifications"

    port: int = 8005
    database_url: str = dev_database_url("notifications")
    # Logs in to RabbitMQ as its own user "notifications" (it consumes only).
    rabbitmq_url: str = dev_rabbitmq_url("notifications")

    # email (SMTP), as auth's AUTH_SMTP_* ---------------------------------------------------
    smtp_host: str = "127.0.0.1"
    smtp_port: int = 1025
    smtp_username: str = ""
    smtp_password: SecretStr = SecretStr("")
    smtp_starttls: bool = False
    smtp_use_tls: bool = False
    smtp_timeout_s: float = Field(10.0, gt=0, le=120)
    mail_from: str = "LOOSELINE <no-reply@looseline.dev>"

    # Telegram Bot API ------------------------------------------------------------------------
    # Empty: the Telegram channel is off (no delivery is written for it).
    telegram_bot_token: SecretStr = SecretStr("")
    telegram_api_base: str = "https://api.telegram.org"
    telegram_timeout_s: float = Field(10.0, gt=0, le=120)

    # the sender --------------------------------------------------------------------------------
    # How often the sender looks for due deliveries, and how many it claims at once.
    send_interval_s: float = Field(1.0, gt=0, le=60)
    send_batch_size: int = Field(20, ge=1, le=500)
    # Retries: a random wait in [0, min(cap, base * 2^(attempts-1))] (full jitter); a delivery
    # is failed after max_attempts sends or once older than give_up_after_s.
    retry_base_s: float = Field(5.0, gt=0, le=3600)
    retry_cap_s: float = Field(600.0, gt=0, le=86400)
    max_attempts: int = Field(8, ge=1, le=100)
    give_up_after_s: float = Field(86400.0, gt=0)
    # A claimed delivery not marked within this time (the sender died mid-send) is due again.
    claim_timeout_s: float = Field(120.0, gt=0, le=3600)

    @property
    def telegram_enabled(self) -> bool:
        return bool(self.telegram_bot_token.get_secret_value())

    def weak_secrets(self) -> list[str]:
        weak = super().weak_secrets()
        if not (self.smtp_starttls or self.smtp_use_tls):
            # The user's email address and what they are told would cross the network in clear.
            weak.append("NOTIFICATIONS_SMTP_STARTTLS/NOTIFICATIONS_SMTP_USE_TLS (mail without TLS)")
        if self.telegram_enabled:
            token = self.telegram_bot_token.get_secret_value()
            if len(token) < MIN_TELEGRAM_TOKEN_CHARS or ":" not in token:
                weak.append("NOTIFICATIONS_TELEGRAM_BOT_TOKEN (not a bot token)")
            weak.extend(self.not_https("telegram_api_base"))
        return weak
