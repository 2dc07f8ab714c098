"""Domain rules: templates and macros, signatures both ways, the win throttle, the backoff."""

from __future__ import annotations

import ast
import hashlib
import hmac
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest

from partners.domain import signatures
from partners.domain.delivery import Verdict, next_attempt_at, retry_delay_s, verdict
from partners.domain.errors import (
    BadSignature,
    InvalidPostback,
    InvalidTemplate,
    StaleSignature,
    UnknownEvent,
    UnknownMacro,
)
from partners.domain.inbound import parse
from partners.domain.partners import validate_urls
from partners.domain.templates import render, validate_template
from partners.domain.throttle import WinAction, decide_win, is_throttled

T0 = datetime(2026, 12, 7, 12, 0, tzinfo=UTC)
W = timedelta(minutes=5)


# templates ----------------------------------------------------------------------------------


def test_render_url_encodes_every_value() -> None:
    url = render(
        "https://t.example/pb?cid={click_id}&a={amount}&e={event}&c={currency}",
        {"click_id": "a b&c=d/é", "amount": "12.50", "event": "deposit", "currency": "EUR"},
    )
    assert url == "https://t.example/pb?cid=a%20b%26c%3Dd%2F%C3%A9&a=12.50&e=deposit&c=EUR"


def test_a_missing_value_renders_empty() -> None:
    assert render("https://t.example/?a={amount}&u={user_id}", {"user_id": "u1"}) == (
        "https://t.example/?a=&u=u1"
    )


def test_validate_template_accepts_known_macros() -> None:
    t = "https://t.example/{event}?cid={click_id}&u={user_id}&tx={transaction_id}"
    assert validate_template(t) == t


@pytest.mark.parametrize(
    ("template", "error"),
    [
        ("https://t.example/?x={sum}", UnknownMacro),
        ("https://t.example/?x={Amount}", UnknownMacro),
        ("ftp://t.example/?x={amount}", InvalidTemplate),
        ("javascript:alert(1)", InvalidTemplate),
        ("//t.example/?x=1", InvalidTemplate),
        ("https:///nohost", InvalidTemplate),
        ("https://t.example/?x={amount", InvalidTemplate),
        ("https://t.example/a b", InvalidTemplate),
        ("", InvalidTemplate),
        ("https://t.example/" + "a" * 2000, InvalidTemplate),
    ],
)
def test_validate_template_refuses(template: str, error: type[Exception]) -> None:
    with pytest.raises(error):
        validate_template(template)


def test_unknown_macro_names_the_event() -> None:
    with pytest.raises(UnknownMacro) as found:
        validate_urls({"win": "https://t.example/?x={nope}"})
    assert found.value.details["event"] == "win"
    assert found.value.details["unknown"] == ["nope"]


# signatures -----------------------------------------------------------------------------------


def test_outbound_signature_covers_method_target_and_body() -> None:
    url = "https://t.example/pb/x?a=1&b=%20"
    header = signatures.outbound_header("s" * 32, 1700000000, "GET", url)
    expected = hmac.new(b"s" * 32, b"1700000000.GET /pb/x?a=1&b=%20\n", hashlib.sha256).hexdigest()
    assert header == f"t=1700000000,v1={expected}"
    assert signatures.request_target("https://t.example") == "/"


def test_canonical_query_sorts_encodes_and_drops_signature_fields() -> None:
    params = [
        ("user_id", "12 34"),
        ("event", "deposit"),
        ("signature", "ff"),
        ("timestamp", "1"),
        ("amount", "1.5"),
        ("click_id", "a/b~c"),
    ]
    assert signatures.canonical_query(params) == (
        "amount=1.5&click_id=a%2Fb~c&event=deposit&user_id=12%2034"
    )


def test_inbound_verify_accepts_header_or_query_and_refuses_the_rest() -> None:
    secret, stamp, canonical = "k" * 32, 1700000000, "event=win&user_id=1"
    good = signatures.inbound_signature(secret, stamp, canonical)
    from_header = signatures.presented(f"t={stamp},v1={good}", None, None)
    from_query = signatures.presented(None, str(stamp), good)
    for given in (from_header, from_query):
        signatures.verify_inbound(given, canonical, secret=secret, now=stamp + 10, tolerance_s=300)
    with pytest.raises(StaleSignature):
        signatures.verify_inbound(
            from_header, canonical, secret=secret, now=stamp + 301, tolerance_s=300
        )
    with pytest.raises(BadSignature):
        signatures.verify_inbound(
            from_header, canonical + "&x=1", secret=secret, now=stamp, tolerance_s=300
        )
    with pytest.raises(BadSignature):
        signatures.presented(None, None, good)
    with pytest.raises(BadSignature):
        signatures.presented("t=abc,v1=00", None, None)
    with pytest.raises(BadSignature):
        signatures.presented(f"t={stamp}", None, None)


def test_dedupe_digest_ignores_the_timestamp() -> None:
    assert signatures.dedupe_digest("k" * 32, "a=1") == signatures.dedupe_digest("k" * 32, "a=1")
    assert signatures.dedupe_digest("k" * 32, "a=1") != signatures.dedupe_digest("k" * 32, "a=2")


# inbound fields -------------------------------------------------------------------------------


def test_parse_reads_the_seed_fields() -> None:
    got = parse({"event": "deposit", "user_id": 12345, "amount": "1000", "transaction_id": "t-1"})
    assert (got.event, got.player_id, str(got.amount), got.dedupe_id) == (
        "deposit",
        "12345",
        "1000",
        "t-1",
    )
    assert str(parse({"event": "win", "user_id": "1", "amount": 12.5}).amount) == "12.5"


@pytest.mark.parametrize(
    ("fields", "error"),
    [
        ({"event": "bonus", "user_id": "1"}, UnknownEvent),
        ({"user_id": "1"}, UnknownEvent),
        ({"event": "registration"}, InvalidPostback),
        ({"event": "deposit", "user_id": "1"}, InvalidPostback),
        ({"event": "deposit", "user_id": "1", "amount": "1.234"}, InvalidPostback),
        ({"event": "deposit", "user_id": "1", "amount": "-5"}, InvalidPostback),
        ({"event": "deposit", "user_id": "1", "amount": "1e3"}, InvalidPostback),
        ({"event": "deposit", "user_id": "1", "amount": True}, InvalidPostback),
        ({"event": "win", "user_id": "a b", "amount": "1"}, InvalidPostback),
        ({"event": "win", "user_id": "1", "amount": "1", "currency": "eur"}, InvalidPostback),
    ],
)
def test_parse_refuses(fields: dict[str, object], error: type[Exception]) -> None:
    with pytest.raises(error):
        parse(fields)


# win throttle ---------------------------------------------------------------------------------


def test_first_win_goes_now_and_opens_the_window() -> None:
    d = decide_win(T0, next_free_at=None, has_waiting=False, window=W)
    assert (d.action, d.due_at, d.next_free_at) == (WinAction.SEND_NOW, T0, T0 + W)


def test_a_win_inside_the_window_waits_for_its_end() -> None:
    d = decide_win(T0 + timedelta(minutes=1), next_free_at=T0 + W, has_waiting=False, window=W)
    assert (d.action, d.due_at, d.next_free_at) == (WinAction.SCHEDULE, T0 + W, T0 + 2 * W)


def test_a_win_with_one_waiting_joins_it() -> None:
    d = decide_win(T0 + timedelta(minutes=2), next_free_at=T0 + 2 * W, has_waiting=True, window=W)
    assert d.action is WinAction.AGGREGATE
    assert d.next_free_at == T0 + 2 * W


def test_after_the_window_a_win_goes_now_again() -> None:
    d = decide_win(T0 + W, next_free_at=T0 + W, has_waiting=False, window=W)
    assert d.action is WinAction.SEND_NOW
    assert d.next_free_at == T0 + 2 * W


def test_inbound_win_notice_throttle() -> None:
    assert not is_throttled(T0, None, W)
    assert is_throttled(T0 + W - timedelta(seconds=1), T0, W)
    assert not is_throttled(T0 + W, T0, W)


# delivery -------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("status", "expected"),
    [
        (200, Verdict.DELIVERED),
        (204, Verdict.DELIVERED),
        (400, Verdict.FAILED),
        (404, Verdict.FAILED),
        (301, Verdict.FAILED),
        (408, Verdict.RETRY),
        (429, Verdict.RETRY),
        (500, Verdict.RETRY),
        (503, Verdict.RETRY),
        (None, Verdict.RETRY),
    ],
)
def test_verdict(status: int | None, expected: Verdict) -> None:
    assert verdict(status) is expected


def test_backoff_is_exponential_capped_full_jitter() -> None:
    top = [retry_delay_s(n, base_s=5, cap_s=60, rand=lambda: 1.0) for n in range(1, 7)]
    assert top == [5, 10, 20, 40, 60, 60]
    assert retry_delay_s(3, base_s=5, cap_s=60, rand=lambda: 0.0) == 0
    assert retry_delay_s(3, base_s=5, cap_s=60, rand=lambda: 0.5) == 10
    assert retry_delay_s(10_000, base_s=5, cap_s=60, rand=lambda: 1.0) == 60


def test_retries_stop_at_the_give_up_time() -> None:
    created = T0
    assert next_attempt_at(
        T0, created, 1, base_s=5, cap_s=60, give_up_after_s=3600, rand=lambda: 1.0
    ) == T0 + timedelta(seconds=5)
    late = T0 + timedelta(seconds=3590)
    assert (
        next_attempt_at(
            late, created, 9, base_s=5, cap_s=60, give_up_after_s=3600, rand=lambda: 1.0
        )
        is None
    )


def test_domain_imports_no_framework() -> None:
    domain = Path(__file__).resolve().parents[2] / "src" / "partners" / "domain"
    banned = (
        "sqlalchemy",
        "fastapi",
        "aio_pika",
        "httpx",
        "partners.adapters",
        "partners.entrypoints",
        "partners.service_layer",
    )
    for module in domain.glob("*.py"):
        tree = ast.parse(module.read_text())
        for node in ast.walk(tree):
            names = []
            if isinstance(node, ast.Import):
                names = [a.name for a in node.names]
            elif isinstance(node, ast.ImportFrom) and node.module:
                names = [node.module]
            for name in names:
                assert not name.startswith(banned), f"{module.name} imports {name}"
