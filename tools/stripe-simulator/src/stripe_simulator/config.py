"""Settings of one simulator instance."""

from __future__ import annotations

import os
from dataclasses import dataclass

DEFAULT_PORT = 12111
# Well-known test-mode values, not secrets: the simulator holds no money.
DEFAULT_SECRET_KEY = "sk_test_looseline_simulator"  # noqa: S105
DEFAULT_PUBLISHABLE_KEY = "pk_test_looseline_simulator"
DEFAULT_WEBHOOK_SECRET = "whsec_looseline_simulator"  # noqa: S105
# The API version the simulator claims to speak (stripe-python 16's pinned version).
DEFAULT_API_VERSION = "2026-10-28.endive"
# Browser origins whose card form may call the publishable-key endpoints (Stripe.js's calls):
# the app as `make run` serves it (the gateway) and as `vite` serves it in development.
DEFAULT_CORS_ORIGINS = (
    "http://127.0.0.1:8000",
    "http://localhost:8000",
    "http://127.0.0.1:5173",
    "http://localhost:5173",
)


@dataclass(frozen=True)
class SimulatorConfig:
    secret_key: str = DEFAULT_SECRET_KEY
    publishable_key: str = DEFAULT_PUBLISHABLE_KEY
    webhook_secret: str = DEFAULT_WEBHOOK_SECRET
    webhook_url: str | None = None
    # Where the simulator is reachable; used for Checkout `url`s and 3-D Secure pages.
    public_base_url: str = f"http://127.0.0.1:{DEFAULT_PORT}"
    api_version: str = DEFAULT_API_VERSION
    # Delay between webhook delivery retries (seconds); attempts = len + 1.
    retry_delays_s: tuple[float, ...] = (0.2, 0.5, 1.0, 2.0)
    delivery_timeout_s: float = 5.0
    # Origins answered with CORS on the publishable-key endpoints ("*": any origin).
    cors_origins: tuple[str, ...] = DEFAULT_CORS_ORIGINS
    # Stripe delivers at least once, in no guaranteed order: this share of events (0-1) is sent
    # a second time, up to `duplicate_delay_s` later (behind newer events). 0 in normal use.
    duplicate_webhooks: float = 0.0
    duplicate_delay_s: float = 2.0

    @classmethod
    def from_env(cls) -> SimulatorConfig:
        port = int(os.environ.get("STRIPE_SIMULATOR_PORT", DEFAULT_PORT))
        return cls(
            secret_key=os.environ.get("STRIPE_SECRET_KEY", DEFAULT_SECRET_KEY),
            publishable_key=os.environ.get("STRIPE_PUBLISHABLE_KEY", DEFAULT_PUBLISHABLE_KEY),
            webhook_secret=os.environ.get("STRIPE_WEBHOOK_SECRET", DEFAULT_WEBHOOK_SECRET),
            webhook_url=os.environ.get("STRIPE_SIMULATOR_WEBHOOK_URL") or None,
            public_base_url=f"http://127.0.0.1:{port}",
            cors_origins=parse_origins(os.environ.get("STRIPE_SIMULATOR_CORS_ORIGINS")),
            duplicate_webhooks=float(os.environ.get("STRIPE_SIMULATOR_DUPLICATE_WEBHOOKS", 0)),
        )


def parse_origins(value: str | None) -> tuple[str, ...]:
    """Comma-separated origins; unset or empty: the defaults."""
    origins = tuple(o.strip().rstrip("/") for o in (value or "").split(",") if o.strip())
    return origins or DEFAULT_CORS_ORIGINS
