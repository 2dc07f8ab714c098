from __future__ import annotations

from typing import ClassVar

from pydantic import Field
from pydantic_settings import SettingsConfigDict

from common.settings import CommonSettings


class Settings(CommonSettings):
    """Gateway settings (prefix ``GATEWAY_``): where each upstream service answers."""

    model_config = SettingsConfigDict(env_prefix="GATEWAY_")
    service_name: ClassVar[str] = "gateway"

    port: int = 8000
    auth_url: str = "http://127.0.0.1:8001"
    events_url: str = "http://127.0.0.1:8002"
    bets_url: str = "http://127.0.0.1:8003"
    wallet_url: str = "http://127.0.0.1:8004"
    upstream_timeout_s: float = 10.0
    # Only these proxies' X-Forwarded-For is believed (comma-separated IPs).
    trusted_proxies: str = ""
    # Sliding-window rate limits (Redis, shared by replicas): requests per window.
    rate_limit_window_s: float = Field(60.0, gt=0)
    rate_limit_per_ip: int = Field(600, ge=1)
    rate_limit_per_user: int = Field(300, ge=1)
    # Sign-in, sign-up, forgot-password, deposit, withdraw: per IP and per user.
    rate_limit_strict: int = Field(10, ge=1)
    rate_limit_strict_window_s: float = Field(60.0, gt=0)
    # Larger request bodies are refused with 413.
    max_body_bytes: int = Field(1_048_576, ge=0)
    # Browser origins allowed by CORS (comma-separated, exact "https://host[:port]").
    cors_origins: str = ""
    # Live stream (GET /api/stream): heartbeat comment period, per-client buffer (a client
    # that falls this far behind is dropped), events remembered for Last-Event-ID, ticket life.
    stream_heartbeat_s: float = Field(15.0, gt=0)
    stream_client_buffer: int = Field(256, ge=1)
    stream_replay_size: int = Field(1000, ge=0)
    stream_ticket_ttl_s: int = Field(60, ge=1)

    @property
    def cors_origin_list(self) -> list[str]:
        return [o.strip().rstrip("/") for o in self.cors_origins.split(",") if o.strip()]

    def upstreams(self) -> dict[str, list[str]]:
        """Service name → its base URLs (each ``*_URL`` may list several, comma-separated)."""
        urls = {
            "auth": self.auth_url,
            "events": self.events_url,
            "bets": self.bets_url,
            "wallet": self.wallet_url,
        }
        return {
            name: [u.strip().rstrip("/") for u in value.split(",") if u.strip()]
            for name, value in urls.items()
        }

    def routes(self) -> dict[str, str]:
        """Public path prefix → service name (paths are forwarded unchanged)."""
        return {
            "/api/auth": "auth",
            "/api/events": "events",
            "/api/webhook/events": "events",
            "/api/bets": "bets",
            "/api/wallet": "wallet",
            "/api/webhook/stripe": "wallet",
        }
