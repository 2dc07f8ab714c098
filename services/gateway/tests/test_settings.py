"""Production refuses a gateway that cannot tell its clients apart, a plain-http browser origin
and metrics without a port of their own."""

from __future__ import annotations

from typing import Any

import pytest
from pydantic import ValidationError

from common.testing.settings import refused_settings
from gateway.settings import Settings

SAFE: dict[str, Any] = {
    "environment": "production",
    "rabbitmq_url": "amqps://gateway:s3cret-broker@mq:5671/",
    "redis_url": "rediss://:s3cret-redis@redis:6380/0",
    "jwt_jwks_url": "http://auth:8000/api/auth/.well-known/jwks.json",
    "trusted_proxies": "10.0.0.0/8",
    "cors_origins": "https://looseline.example",
    "metrics_port": 9090,
}


def refused(**overrides: Any) -> set[str]:
    """The settings production refuses (by name) with ``overrides`` on top of SAFE."""
    return refused_settings(lambda: Settings(**{**SAFE, **overrides}))


def test_production_starts_with_every_setting_safe() -> None:
    assert Settings(**SAFE).weak_secrets() == []


def test_production_refuses_an_unstated_proxy_but_accepts_none_said_outright() -> None:
    # Behind an unlisted ingress every client would share the ingress's address (one bucket).
    assert refused(trusted_proxies="") == {"GATEWAY_TRUSTED_PROXIES"}
    assert Settings(**{**SAFE, "trusted_proxies": "none"}).proxies.networks == ()


def test_production_refuses_trusting_every_peer_as_a_proxy() -> None:
    assert refused(trusted_proxies="0.0.0.0/0") == {"GATEWAY_TRUSTED_PROXIES"}


def test_a_malformed_trusted_proxy_refuses_to_start_anywhere() -> None:
    with pytest.raises(ValidationError, match=r"GATEWAY_TRUSTED_PROXIES.*10\.0\.0\.300"):
        Settings(trusted_proxies="10.0.0.0/8, 10.0.0.300")


def test_production_refuses_a_plain_http_browser_origin() -> None:
    origins = "https://looseline.example, http://looseline.example"
    assert refused(cors_origins=origins) == {"GATEWAY_CORS_ORIGINS"}


@pytest.mark.parametrize("port", [0, 8000])
def test_production_refuses_metrics_without_a_fixed_port_of_their_own(port: int) -> None:
    assert refused(metrics_port=port) == {"GATEWAY_METRICS_PORT"}
