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

    def routes(self) -> dict[str, str]:
        """Public path prefix → upstream base URL (paths are forwarded unchanged)."""
        return {
            "/api/auth": self.auth_url,
            "/api/events": self.events_url,
            "/api/webhook/events": self.events_url,
            "/api/bets": self.bets_url,
            "/api/wallet": self.wallet_url,
            "/api/webhook/stripe": self.wallet_url,
        }
