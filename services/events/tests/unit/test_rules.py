"""Odds, market definitions, status transitions and feed signatures (pure rules)."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from decimal import Decimal

import pytest

from events.domain import feed, lifecycle
from events.domain.catalogue import check_teams, event_name, slugify
from events.domain.errors import (
    CoefficientInvalid,
    EventAlreadySettled,
    EventClosed,
    FeedSignatureInvalid,
    MarketLineInvalid,
    MarketSelectionsInvalid,
    TeamsInvalid,
    TransitionNotAllowed,
)
from events.domain.markets import (
    check_selections,
    market_for_main_odds,
    market_label,
    normalize_line,
)
from events.domain.odds import parse_coefficient


@pytest.mark.parametrize(
    ("given", "expected"),
    [
        (1.85, "1.850"),
        ("3.40", "3.400"),
        (2, "2.000"),
        ("1.001", "1.001"),
        (" 12.5 ", "12.500"),
        ("1.8500", "1.850"),
        (1000, "1000.000"),
    ],
)
def test_coefficients_are_decimal_with_three_places(given: object, expected: str) -> None:
    assert parse_coefficient(given) == Decimal(expected)
    assert str(parse_coefficient(given)) == expected


@pytest.mark.parametrize(
    ("given", "reason"),
    [
        (1, "not_above_one"),
        ("1.00", "not_above_one"),
        (0.5, "not_above_one"),
        (-2.5, "not_above_one"),
        ("1.0005", "too_many_decimals"),
        (1.2345, "too_many_decimals"),
        ("NaN", "not_finite"),
        ("Infinity", "not_finite"),
        ("abc", "not_a_number"),
        (True, "not_a_number"),
        (None, "not_a_number"),
        ([1.5], "not_a_number"),
        ("1000.001", "too_large"),
    ],
)
def test_bad_coefficients_are_refused_with_a_reason(given: object, reason: str) -> None:
    with pytest.raises(CoefficientInvalid) as caught:
        parse_coefficient(given)
    assert caught.value.reason == reason
    assert caught.value.code == "events.coefficient_invalid"
    assert caught.value.status_code == 422


def test_market_definitions() -> None:
    assert normalize_line("total", 2.5) == Decimal("2.5")
    assert normalize_line("total", "3") == Decimal("3.0")
    assert normalize_line("btts", None) is None
    assert market_label("total", Decimal("2.5")) == "Total 2.5"
    assert market_label("1x2", None) == "1X2"
    assert market_for_main_odds(["1", "X", "2"]) == "1x2"
    assert market_for_main_odds(["2", "1"]) == "winner"
    check_selections("double_chance", ["X2", "1X", "12"])
    for bad in (["1", "X"], ["1", "1", "X", "2"], ["1", "X", "2", "Y"]):
        with pytest.raises(MarketSelectionsInvalid):
            check_selections("1x2", bad)
    for line in (2.25, 0, -0.5, 1000, "x", True, float("nan")):
        with pytest.raises(MarketLineInvalid):
            normalize_line("total", line)


def test_teams_and_names() -> None:
    assert check_teams("  Real   Madrid ", "Barcelona") == ("Real Madrid", "Barcelona")
    assert event_name("Real Madrid", "Barcelona") == "Real Madrid \u2013 Barcelona"
    assert slugify("Atlético Premier League!") == "atletico-premier-league"
    for home, away in (("A", "a"), ("", "B"), ("A", " "), ("x" * 101, "B"), ("A\x00", "B")):
        with pytest.raises(TeamsInvalid):
            check_teams(home, away)


NOW = datetime(2026, 1, 1, 12, tzinfo=UTC)


@pytest.mark.parametrize(
    ("status", "action", "expected"),
    [
        ("scheduled", "start", "live"),
        ("postponed", "start", "live"),
        ("scheduled", "postpone", "postponed"),
        ("live", "postpone", "postponed"),
        ("postponed", "reschedule", "scheduled"),
        ("scheduled", "cancel", "cancelled"),
        ("live", "cancel", "cancelled"),
        ("postponed", "cancel", "cancelled"),
        ("live", "settle", "finished"),
        ("live", "score", "live"),
    ],
)
def test_allowed_transitions(
    status: lifecycle.EventStatus, action: lifecycle.Action, expected: str
) -> None:
    assert lifecycle.next_status(status, action) == expected


@pytest.mark.parametrize(
    ("status", "action"),
    [
        ("live", "start"),
        ("finished", "start"),
        ("cancelled", "start"),
        ("finished", "cancel"),
        ("cancelled", "cancel"),
        ("cancelled", "settle"),
        ("postponed", "settle"),
        ("scheduled", "score"),
        ("finished", "score"),
        ("scheduled", "reschedule"),
        ("finished", "postpone"),
    ],
)
def test_refused_transitions(status: lifecycle.EventStatus, action: lifecycle.Action) -> None:
    with pytest.raises(TransitionNotAllowed):
        lifecycle.next_status(status, action)


def test_settling_needs_a_started_event_and_force_to_settle_again() -> None:
    with pytest.raises(TransitionNotAllowed):
        lifecycle.next_status("scheduled", "settle", starts_at=NOW + timedelta(minutes=1), now=NOW)
    assert (
        lifecycle.next_status("scheduled", "settle", starts_at=NOW - timedelta(hours=2), now=NOW)
        == "finished"
    )
    with pytest.raises(EventAlreadySettled):
        lifecycle.next_status("finished", "settle", settlement_version=1)
    assert lifecycle.next_status("finished", "settle", settlement_version=1, force=True) == (
        "finished"
    )
    with pytest.raises(EventClosed):
        lifecycle.check_trading("finished")
    lifecycle.check_trading("postponed")


SECRET = "s3cret-for-tests"
BODY = b'{"feed_message_id":"m1"}'


def test_a_signed_body_verifies_and_returns_its_timestamp() -> None:
    header = feed.signature_header(SECRET, 1_700_000_000, BODY)
    assert feed.verify(header, BODY, secret=SECRET, now=1_700_000_100) == 1_700_000_000
    # Several v1 entries (secret rotation): any one matching is enough.
    rotated = f"t=1700000000,v1={'0' * 64},v1={feed.signature(SECRET, 1_700_000_000, BODY)}"
    assert feed.verify(rotated, BODY, secret=SECRET, now=1_700_000_000)


@pytest.mark.parametrize(
    "header",
    [
        None,
        "",
        "v1=abc",
        "t=1700000000",
        "t=abc,v1=00",
        "t=1700000000,v1=" + "0" * 64,
        "t=1700000000,v1=ünïcode",
        feed.signature_header("other-secret", 1_700_000_000, BODY),
        feed.signature_header(SECRET, 1_700_000_000, BODY + b" "),
        feed.signature_header(SECRET, 1_700_000_000 - 301, BODY),  # stale
        feed.signature_header(SECRET, 1_700_000_000 + 301, BODY),  # from the future
        "x" * 2000,
    ],
)
def test_bad_missing_or_stale_signatures_are_refused(header: str | None) -> None:
    with pytest.raises(FeedSignatureInvalid):
        feed.verify(header, BODY, secret=SECRET, now=1_700_000_000)


def test_production_refuses_the_development_feed_secret() -> None:
    from events.settings import DEV_FEED_SECRET, Settings

    strong = {
        "environment": "production",
        "rabbitmq_url": "amqp://events:s3cret-broker@mq:5672/",
        "database_url": "postgresql+asyncpg://looseline_events:s3cret-db@db:5432/looseline",
        "redis_url": "rediss://:s3cret-redis@redis:6380/0",
        "jwt_jwks_url": "http://auth:8000/api/auth/.well-known/jwks.json",
        "trusted_gateway_networks": "10.42.0.0/16",
    }
    with pytest.raises(ValueError, match="EVENTS_FEED_SECRET"):
        Settings(**strong, feed_secret=DEV_FEED_SECRET)
    with pytest.raises(ValueError, match="EVENTS_FEED_SECRET"):
        Settings(**strong, feed_secret="short")
    assert Settings(**strong, feed_secret="x" * 40).feed_tolerance_s == 300
