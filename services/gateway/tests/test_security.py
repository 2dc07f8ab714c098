"""CORS for configured origins only; security headers on every answer; HSTS behind TLS."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest

from gateway.security import API_CSP, HTML_CSP, html_csp
from gateway.settings import Settings

ALLOWED = "https://app.looseline.test"


async def test_preflight_allowed_for_configured_origin_refused_for_another(
    gateway_factory: Any,
) -> None:
    async with gateway_factory(cors_origins=ALLOWED) as gateway:
        preflight = {
            "access-control-request-method": "POST",
            "access-control-request-headers": "authorization, content-type",
        }
        ok = await gateway.options("/api/bets/place", headers={"origin": ALLOWED, **preflight})
        assert ok.status_code == 200
        assert ok.headers["access-control-allow-origin"] == ALLOWED
        assert "authorization" in ok.headers["access-control-allow-headers"].lower()

        evil = await gateway.options(
            "/api/bets/place", headers={"origin": "https://evil.test", **preflight}
        )
        assert evil.status_code == 400
        assert "access-control-allow-origin" not in evil.headers

        simple = await gateway.get("/api/events/_echo/c", headers={"origin": ALLOWED})
        assert simple.headers["access-control-allow-origin"] == ALLOWED
        other = await gateway.get("/api/events/_echo/c", headers={"origin": "https://evil.test"})
        assert "access-control-allow-origin" not in other.headers


async def test_no_cors_without_configured_origins(gateway: Any) -> None:
    answer = await gateway.get("/api/events/_echo/c", headers={"origin": ALLOWED})
    assert "access-control-allow-origin" not in answer.headers


async def test_security_headers_on_every_answer(gateway: Any) -> None:
    for path in ("/api/events/_echo/h", "/api/nothing", "/health/live"):
        answer = await gateway.get(path)
        assert answer.headers["x-content-type-options"] == "nosniff"
        assert answer.headers["x-frame-options"] == "DENY"
        assert answer.headers["referrer-policy"] == "no-referrer"
        assert "frame-ancestors 'none'" in answer.headers["content-security-policy"]
        assert "strict-transport-security" not in answer.headers


async def test_hsts_only_when_a_trusted_proxy_says_https(gateway_factory: Any) -> None:
    async with gateway_factory(trusted_proxies="127.0.0.1") as trusting:
        answer = await trusting.get("/health/live", headers={"x-forwarded-proto": "https"})
        assert answer.headers["strict-transport-security"].startswith("max-age=")
    async with gateway_factory() as untrusting:
        answer = await untrusting.get("/health/live", headers={"x-forwarded-proto": "https"})
        assert "strict-transport-security" not in answer.headers


# --- the app's pages: CSP with card entry's origins only as far as needed ----------------------

SIMULATOR = "http://127.0.0.1:12111"


def directives(csp: str) -> dict[str, list[str]]:
    return {name: rest for name, *rest in (d.split() for d in csp.split("; "))}


def test_pages_load_nothing_from_elsewhere_without_card_entry() -> None:
    assert html_csp([]) == HTML_CSP
    assert "frame-src" not in directives(HTML_CSP)


def test_the_simulator_may_be_called_by_the_card_form_and_nothing_more() -> None:
    csp = directives(html_csp([SIMULATOR]))
    assert csp["connect-src"] == ["'self'", SIMULATOR]
    assert csp["script-src"] == ["'self'"]
    assert "frame-src" not in csp
    assert csp["default-src"] == ["'none'"]
    assert csp["frame-ancestors"] == ["'none'"]


def test_stripe_js_gets_its_script_frames_and_api() -> None:
    csp = directives(html_csp(["stripe"]))
    assert csp["script-src"] == ["'self'", "https://js.stripe.com", "https://*.js.stripe.com"]
    assert csp["frame-src"] == [
        "https://js.stripe.com",
        "https://*.js.stripe.com",
        "https://hooks.stripe.com",
    ]
    assert csp["connect-src"] == ["'self'", "https://api.stripe.com"]
    assert csp["style-src"] == ["'self'"]  # Elements style themselves inside their frames
    assert csp["form-action"] == ["'self'"]


@pytest.mark.parametrize(
    ("env", "expected"),
    [
        ({}, []),
        ({"STRIPE_API_BASE": SIMULATOR + "/"}, [SIMULATOR]),
        (
            {"STRIPE_API_BASE": SIMULATOR, "STRIPE_SIMULATOR_PUBLIC_URL": "http://localhost:9"},
            ["http://localhost:9"],
        ),
        ({"STRIPE_API_BASE": "https://api.stripe.com"}, ["stripe"]),
        ({"STRIPE_PUBLISHABLE_KEY": "pk_test_looseline_simulator"}, []),
        ({"STRIPE_PUBLISHABLE_KEY": "pk_live_abc"}, ["stripe"]),
        ({"csp_card_origins": "", "STRIPE_API_BASE": SIMULATOR}, []),
        ({"csp_card_origins": "stripe, http://sim.test:1/v1"}, ["stripe", "http://sim.test:1"]),
    ],
)
def test_card_origins_setting_and_what_it_falls_back_to(
    env: dict[str, str], expected: list[str]
) -> None:
    assert Settings(**env).csp_card_origin_list == expected


def test_production_refuses_card_entry_anywhere_but_stripe() -> None:
    assert (
        "GATEWAY_CSP_CARD_ORIGINS (not stripe)"
        in Settings(csp_card_origins=SIMULATOR).weak_secrets()
    )
    assert not any(
        "CSP_CARD" in weak for weak in Settings(csp_card_origins="stripe").weak_secrets()
    )


async def test_app_pages_carry_the_card_entry_csp_api_answers_do_not(
    gateway_factory: Any, tmp_path: Path
) -> None:
    (tmp_path / "index.html").write_text("<!doctype html><title>app</title>")
    async with gateway_factory(web_dist_dir=str(tmp_path), csp_card_origins=SIMULATOR) as gw:
        page = await gw.get("/wallet")
        api = await gw.get("/api/events/_echo/csp")
    assert page.headers["content-security-policy"] == html_csp([SIMULATOR])
    assert api.headers["content-security-policy"] == API_CSP
