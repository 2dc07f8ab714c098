from __future__ import annotations

from typing import ClassVar

from pydantic import Field, field_validator, model_validator
from pydantic_settings import SettingsConfigDict

from common.settings import CommonSettings, dev_rabbitmq_url
from gateway.clientip import TrustedProxies

# What the upstream timeout must leave beyond a service's own wait: the service's answer
# (a 202 after its wait) still has to be written and travel back.
UPSTREAM_HEADROOM_S = 1.0
# The longest BETS_PLACEMENT_WAIT_S bets accepts (its settings' bound).
BETS_LONGEST_WAIT_S = 10.0


STRIPE_API = "https://api.stripe.com"


def _origin(value: str) -> str:
    """``https://host[:port]`` of a URL (a path or a trailing slash dropped); ``stripe`` as is."""
    value = value.strip().rstrip("/")
    scheme, sep, rest = value.partition("://")
    return f"{scheme}{sep}{rest.split('/', 1)[0]}" if sep else value


class Settings(CommonSettings):
    """Gateway settings (prefix ``GATEWAY_``): where each upstream service answers."""

    model_config = SettingsConfigDict(env_prefix="GATEWAY_")
    service_name: ClassVar[str] = "gateway"

    port: int = 8000
    # Logs in to RabbitMQ as user "gateway", which may only consume (the live stream).
    rabbitmq_url: str = dev_rabbitmq_url("gateway")
    auth_url: str = "http://127.0.0.1:8001"
    events_url: str = "http://127.0.0.1:8002"
    bets_url: str = "http://127.0.0.1:8003"
    wallet_url: str = "http://127.0.0.1:8004"
    notifications_url: str = "http://127.0.0.1:8005"
    partners_url: str = "http://127.0.0.1:8006"
    # Longer than any service's own wait (bets answers 202 after BETS_PLACEMENT_WAIT_S ≤ 10 s):
    # a slow saga must reach the client as the service's 202, never as the gateway's 504.
    upstream_timeout_s: float = Field(15.0, gt=0)
    # The bets service's placement wait, when the gateway is told it (the same variable bets
    # reads): the upstream timeout is then refused unless it is longer by UPSTREAM_HEADROOM_S.
    # Not told, production still refuses a timeout shorter than bets' longest allowed wait.
    bets_placement_wait_s: float = Field(2.0, ge=0, validation_alias="BETS_PLACEMENT_WAIT_S")
    # Upstream connections, kept alive and reused (HTTP/1.1), across all services: enough for
    # 256 requests in flight. Past it a request waits up to upstream_pool_wait_s for one, then
    # is answered 503 + Retry-After (back-pressure), never a 504.
    upstream_max_connections: int = Field(256, ge=1)
    upstream_keepalive_s: float = Field(30.0, gt=0)
    upstream_pool_wait_s: float = Field(1.0, gt=0)
    upstream_retry_after_s: int = Field(1, ge=1)
    # The proxies in front (load balancer, ingress pods): comma-separated IPs and CIDRs whose
    # X-Forwarded-For (and X-Forwarded-Proto) is believed, or "none" (clients connect directly).
    # Production refuses it empty: behind an unlisted proxy every client shares its address.
    trusted_proxies: str = ""
    # Prometheus metrics are served on this port only, never on the public one (0: any free
    # port, logged at start; development and tests). Bound on metrics_host.
    metrics_port: int = Field(0, ge=0, le=65535)
    metrics_host: str = "127.0.0.1"
    # Sliding-window rate limits (Redis, shared by replicas): requests per window.
    rate_limit_window_s: float = Field(60.0, gt=0)
    rate_limit_per_ip: int = Field(600, ge=1)
    rate_limit_per_user: int = Field(300, ge=1)
    # Sign-in, sign-up, forgot-password, reset-password, verify-email(/resend), deposit,
    # withdraw: per IP and per user, per route.
    rate_limit_strict: int = Field(10, ge=1)
    rate_limit_strict_window_s: float = Field(60.0, gt=0)
    # Larger request bodies are refused with 413.
    max_body_bytes: int = Field(1_048_576, ge=0)
    # Browser origins allowed by CORS (comma-separated, exact "https://host[:port]").
    cors_origins: str = ""
    # Card entry in the app's pages (their CSP, gateway.security.html_csp): "stripe" for
    # Stripe.js (js.stripe.com, hooks.stripe.com, api.stripe.com), or the origins (comma-
    # separated) the app's card form calls: the local Stripe simulator's public URL. Unset:
    # the simulator's (STRIPE_SIMULATOR_PUBLIC_URL, else STRIPE_API_BASE, as `make run` sets
    # it), else "stripe" with a real STRIPE_PUBLISHABLE_KEY, else none.
    csp_card_origins: str | None = None
    stripe_api_base: str = Field("", validation_alias="STRIPE_API_BASE")
    stripe_simulator_public_url: str = Field("", validation_alias="STRIPE_SIMULATOR_PUBLIC_URL")
    stripe_publishable_key: str = Field("", validation_alias="STRIPE_PUBLISHABLE_KEY")
    # The web app's build (``web/dist`` from ``npm run build``), served at ``/`` (gateway.web);
    # without an ``index.html`` there the gateway serves the API alone.
    web_dist_dir: str = "web/dist"
    # Live stream (GET /api/stream): heartbeat comment period, per-client buffer (a client
    # that falls this far behind is dropped), events remembered for Last-Event-ID, ticket life.
    stream_heartbeat_s: float = Field(15.0, gt=0)
    stream_client_buffer: int = Field(256, ge=1)
    stream_replay_size: int = Field(1000, ge=0)
    stream_ticket_ttl_s: int = Field(60, ge=1)
    # Reality checks (issue 23): the length of one "minute" of GET /api/stream's
    # reality_check_minutes, in seconds. 60 in production; tests shrink it.
    reality_check_unit_s: float = Field(60.0, gt=0)

    @field_validator("trusted_proxies")
    @classmethod
    def _proxies_parse(cls, value: str) -> str:
        try:
            TrustedProxies.parse(value)
        except ValueError as exc:
            raise ValueError(f"GATEWAY_TRUSTED_PROXIES: {exc}") from None
        return value

    @model_validator(mode="after")
    def _outwaits_the_services(self) -> Settings:
        if "bets_placement_wait_s" not in self.model_fields_set:
            return self  # weak_secrets() holds production to bets' longest wait instead
        needed = self.bets_placement_wait_s + UPSTREAM_HEADROOM_S
        if self.upstream_timeout_s < needed:
            raise ValueError(
                f"GATEWAY_UPSTREAM_TIMEOUT_S ({self.upstream_timeout_s:g}) must be at least "
                f"BETS_PLACEMENT_WAIT_S + {UPSTREAM_HEADROOM_S:g} ({needed:g}): a slow bet "
                "would be answered 504 by the gateway instead of 202 by bets"
            )
        return self

    @property
    def proxies(self) -> TrustedProxies:
        return TrustedProxies.parse(self.trusted_proxies)

    def weak_secrets(self) -> list[str]:
        weak = super().weak_secrets()
        if not self.trusted_proxies.strip():
            weak.append("GATEWAY_TRUSTED_PROXIES (not set: the proxies' CIDRs, or none)")
        elif any(n.prefixlen == 0 for n in self.proxies.networks):
            # Every peer a proxy: the client would write its own address.
            weak.append("GATEWAY_TRUSTED_PROXIES (trusts every address)")
        if any(not o.lower().startswith("https://") for o in self.cors_origin_list):
            weak.append("GATEWAY_CORS_ORIGINS (not https)")
        if any(o not in ("stripe", STRIPE_API) for o in self.csp_card_origin_list):
            # Cards go to Stripe itself; a simulator or a proxy would see them.
            weak.append("GATEWAY_CSP_CARD_ORIGINS (not stripe)")
        if self.upstream_timeout_s < BETS_LONGEST_WAIT_S + UPSTREAM_HEADROOM_S:
            weak.append("GATEWAY_UPSTREAM_TIMEOUT_S (shorter than bets' longest wait + 1 s)")
        if self.metrics_port in (0, self.port):
            weak.append("GATEWAY_METRICS_PORT (a fixed port of its own)")
        return weak

    @property
    def csp_card_origin_list(self) -> list[str]:
        if self.csp_card_origins is not None:
            value = self.csp_card_origins
        elif self.stripe_simulator_public_url or self.stripe_api_base:
            value = self.stripe_simulator_public_url or self.stripe_api_base
            value = "stripe" if _origin(value) == STRIPE_API else value
        elif self.stripe_publishable_key.startswith("pk_") and not (
            self.stripe_publishable_key.startswith("pk_test_looseline_simulator")
        ):
            value = "stripe"
        else:
            value = ""
        return [_origin(o) for o in value.split(",") if o.strip()]

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
            "notifications": self.notifications_url,
            "partners": self.partners_url,
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
            "/api/notifications": "notifications",
            "/api/partners": "partners",
            # Partners' S2S postbacks (seed 003): signed with the partner's secret, checked there.
            "/api/postback": "partners",
        }
