from __future__ import annotations

from typing import ClassVar

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

    def upstreams(self) -> dict[str, str]:
        """Service name → base URL."""
        return {
            "auth": self.auth_url,
            "events": self.events_url,
            "bets": self.bets_url,
            "wallet": self.wallet_url,
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
