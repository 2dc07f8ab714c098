"""Inbound postbacks (the seed's form and JSON): signatures, replays, effects, the log, stats."""

from __future__ import annotations

import hashlib
import hmac
import json
import uuid
from typing import Any
from urllib.parse import quote, urlencode

import asyncpg
import httpx
import pytest
from services.partners.tests.builders import deposited, make_partner, registered
from services.partners.tests.conftest import FakeClock, eventually
from services.partners.tests.test_outbound import handled

from common.messaging.envelope import wrap
from common.testing.broker import BrokerNamespace

_CLOCK: list[FakeClock] = []


@pytest.fixture(autouse=True)
def _service_clock(clock: FakeClock) -> None:
    """Sign with the service's (injected) clock: its tolerance is measured on it."""
    _CLOCK[:] = [clock]


def unix_now() -> int:
    return int(_CLOCK[0].now.timestamp())


def canonical(params: dict[str, str]) -> str:
    return "&".join(
        f"{quote(k, safe='-_.~')}={quote(v, safe='-_.~')}" for k, v in sorted(params.items())
    )


def sign(secret: str, stamp: int, payload: str | bytes) -> str:
    data = payload.encode() if isinstance(payload, str) else payload
    return hmac.new(secret.encode(), str(stamp).encode() + b"." + data, hashlib.sha256).hexdigest()


async def post_query(
    api: httpx.AsyncClient,
    partner_id: str,
    secret: str,
    params: dict[str, str],
    *,
    stamp: int | None = None,
    in_query: bool = True,
    tamper: bool = False,
) -> httpx.Response:
    stamp = unix_now() if stamp is None else stamp
    signature = sign(secret, stamp, canonical(params))
    if tamper:
        signature = "0" * 64
    if in_query:
        query = urlencode({**params, "timestamp": str(stamp), "signature": signature})
        return await api.post(f"/api/postback/{partner_id}?{query}")
    return await api.post(
        f"/api/postback/{partner_id}?{urlencode(params)}",
        headers={"X-Signature": f"t={stamp},v1={signature}"},
    )


async def post_json(
    api: httpx.AsyncClient, partner_id: str, secret: str, body: dict[str, Any]
) -> httpx.Response:
    raw = json.dumps(body).encode()
    stamp = unix_now()
    return await api.post(
        f"/api/postback/{partner_id}",
        content=raw,
        headers={
            "content-type": "application/json",
            "X-Signature": f"t={stamp},v1={sign(secret, stamp, raw)}",
        },
    )


async def attributed(
    api: httpx.AsyncClient,
    admin: dict[str, str],
    broker_namespace: BrokerNamespace,
    pg: asyncpg.Connection,
    click_id: str = "click-1",
) -> tuple[str, str, uuid.UUID]:
    partner_id, secret = await make_partner(api, admin)
    signup = registered(partner_id, click_id=click_id)
    envelope = wrap(signup)
    await broker_namespace.publish(envelope)
    await handled(pg, envelope)
    return partner_id, secret, signup.user_id


async def user_row(pg: asyncpg.Connection, user_id: uuid.UUID) -> asyncpg.Record:
    return await pg.fetchrow("SELECT * FROM partners.attributed_user WHERE user_id = $1", user_id)


async def test_health_is_public_and_plain(api: httpx.AsyncClient) -> None:
    answer = await api.get("/api/postback/health")
    assert answer.status_code == 200
    assert answer.json() == {"status": "ok", "service": "postback"}


async def test_hostile_input_is_a_clear_4xx_and_logged_printable(
    api: httpx.AsyncClient,
    admin: dict[str, str],
    broker_namespace: BrokerNamespace,
    pg: asyncpg.Connection,
) -> None:
    partner_id, secret, _ = await attributed(api, admin, broker_namespace, pg, "ch")
    body = {"event": "bonus\u0000", "user_id": "1", "junk\u0000": "\ud800x", "n": [1, {"a": 2}]}
    answer = await post_json(api, partner_id, secret, body)
    assert answer.status_code == 422
    assert answer.json()["error"]["code"] == "partners.unknown_event"
    wrong_types = await post_json(api, partner_id, secret, {"event": "win", "user_id": {"a": 1}})
    assert wrong_types.json()["error"]["code"] == "partners.invalid_postback"
    not_json = await api.post(
        f"/api/postback/{partner_id}", content=b"{nope", headers={"X-Signature": "t=1,v1=00"}
    )
    assert not_json.status_code == 422
    big = await api.post(f"/api/postback/{partner_id}", content=b"x" * 20_000)
    assert big.status_code == 413
    logged = await pg.fetch(
        "SELECT params::text AS p, event FROM partners.inbound_postback WHERE partner_id = $1",
        partner_id,
    )
    assert logged
    assert all("\\u0000" not in r["p"] for r in logged)


async def test_metrics_count_postbacks(api: httpx.AsyncClient) -> None:
    assert "looseline_partner_postbacks_total" in (await api.get("/metrics")).text


async def test_query_form_links_player_then_deposit_marks_depositor(
    api: httpx.AsyncClient,
    admin: dict[str, str],
    broker_namespace: BrokerNamespace,
    pg: asyncpg.Connection,
) -> None:
    partner_id, secret, user_id = await attributed(api, admin, broker_namespace, pg)
    answer = await post_query(
        api,
        partner_id,
        secret,
        {"event": "registration", "user_id": "12345", "click_id": "click-1"},
    )
    assert answer.status_code == 200, answer.text
    assert answer.json()["status"] == "accepted"
    assert (await user_row(pg, user_id))["partner_player_id"] == "12345"

    deposit = {"event": "deposit", "user_id": "12345", "amount": "1000", "transaction_id": "d-1"}
    assert (await post_query(api, partner_id, secret, deposit, in_query=False)).status_code == 200
    second = {"event": "deposit", "user_id": "12345", "amount": "12.50", "transaction_id": "d-2"}
    assert (await post_query(api, partner_id, secret, second)).status_code == 200
    row = await user_row(pg, user_id)
    assert row["partner_deposit_count"] == 2
    assert str(row["partner_deposit_sum"]) == "1012.50"
    assert row["partner_first_deposit_at"] is not None

    # A replay (same transaction id, signed again later): answered, nothing applied twice.
    replay = await post_query(api, partner_id, secret, deposit)
    assert replay.status_code == 200
    assert replay.json()["status"] == "duplicate"
    assert (await user_row(pg, user_id))["partner_deposit_count"] == 2
    # Without an id the payload's HMAC is the key: the same payload twice is one postback.
    withdrawal = {"event": "withdrawal", "user_id": "12345", "amount": "5"}
    assert (await post_query(api, partner_id, secret, withdrawal)).json()["status"] == "accepted"
    assert (await post_query(api, partner_id, secret, withdrawal)).json()["status"] == "duplicate"
    logged = await pg.fetch(
        "SELECT * FROM partners.inbound_postback WHERE partner_id = $1 ORDER BY id", partner_id
    )
    assert [r["outcome"] for r in logged] == ["accepted"] * 4
    assert all("signature" not in json.loads(r["params"]) for r in logged)


async def test_json_form_and_win_notices_throttled(
    api: httpx.AsyncClient,
    admin: dict[str, str],
    broker_namespace: BrokerNamespace,
    pg: asyncpg.Connection,
    clock: FakeClock,
) -> None:
    partner_id, secret, _user_id = await attributed(api, admin, broker_namespace, pg, "cj")
    reg = await post_json(
        api, partner_id, secret, {"event": "registration", "user_id": "p-9", "click_id": "cj"}
    )
    assert reg.status_code == 200, reg.text
    answers = []
    for n in range(3):
        win = {"event": "win", "user_id": "p-9", "amount": 250, "transaction_id": f"w{n}"}
        answers.append((await post_json(api, partner_id, secret, win)).json())
        clock.advance(minutes=1)
    assert [a["throttled"] for a in answers] == [False, True, True]
    clock.advance(minutes=3)  # 5 minutes after the first notice
    win = {"event": "win", "user_id": "p-9", "amount": 1, "transaction_id": "w9"}
    assert (await post_json(api, partner_id, secret, win)).json()["throttled"] is False
    throttled = await pg.fetch(
        "SELECT throttled FROM partners.inbound_postback WHERE partner_id = $1 AND event = 'win'"
        " ORDER BY id",
        partner_id,
    )
    assert [r["throttled"] for r in throttled] == [False, True, True, False]


async def test_refusals(
    api: httpx.AsyncClient,
    admin: dict[str, str],
    broker_namespace: BrokerNamespace,
    pg: asyncpg.Connection,
) -> None:
    partner_id, secret, _ = await attributed(api, admin, broker_namespace, pg, "cr")
    ok = {"event": "registration", "user_id": "77", "click_id": "cr"}

    bad = await post_query(api, partner_id, secret, ok, tamper=True)
    assert bad.status_code == 401
    assert bad.json()["error"]["code"] == "partners.bad_signature"
    missing = await api.post(f"/api/postback/{partner_id}?{urlencode(ok)}")
    assert missing.json()["error"]["code"] == "partners.bad_signature"
    other_secret = await post_query(api, partner_id, "y" * 40, ok)
    assert other_secret.status_code == 401
    stale = await post_query(api, partner_id, secret, ok, stamp=unix_now() - 301)
    assert stale.status_code == 401
    assert stale.json()["error"]["code"] == "partners.stale_signature"
    unknown = await post_query(api, "no-such-partner", secret, ok)
    assert unknown.status_code == 404
    assert unknown.json()["error"]["code"] == "partners.unknown_partner"
    event = await post_query(api, partner_id, secret, {**ok, "event": "bonus"})
    assert event.status_code == 422
    assert event.json()["error"]["code"] == "partners.unknown_event"
    nobody = await post_query(
        api, partner_id, secret, {"event": "deposit", "user_id": "x1", "amount": "5"}
    )
    assert nobody.status_code == 404
    assert nobody.json()["error"]["code"] == "partners.unknown_player"
    # Another partner's click is not this partner's player.
    other_id, other_secret_ = await make_partner(api, admin)
    stolen = await post_query(api, other_id, other_secret_, ok)
    assert stolen.json()["error"]["code"] == "partners.unknown_player"

    rejected = await pg.fetch(
        "SELECT error_code FROM partners.inbound_postback WHERE partner_id = $1 ORDER BY id",
        partner_id,
    )
    assert [r["error_code"] for r in rejected] == [
        "partners.bad_signature",
        "partners.bad_signature",
        "partners.bad_signature",
        "partners.stale_signature",
        "partners.unknown_event",
        "partners.unknown_player",
    ]
    # After all that, the genuine one still applies (refusals claimed no dedupe key).
    assert (await post_query(api, partner_id, secret, ok)).json()["status"] == "accepted"


async def test_stats_show_conversion(
    api: httpx.AsyncClient,
    admin: dict[str, str],
    broker_namespace: BrokerNamespace,
    pg: asyncpg.Connection,
) -> None:
    partner_id, _ = await make_partner(api, admin)
    signups = [registered(partner_id, click_id=f"s{n}") for n in range(4)]
    for s in signups:
        await broker_namespace.publish(wrap(s))
    deposits = [wrap(deposited(signups[0].user_id, 1250)), wrap(deposited(signups[0].user_id, 50))]
    # Wait for the sign-ups before their deposits (see test_outbound).
    for s in signups:

        async def known(user_id: uuid.UUID = s.user_id) -> bool:
            return await user_row(pg, user_id) is not None

        await eventually(known)
    await broker_namespace.publish(*deposits)
    await handled(pg, *deposits)
    first_of_second = wrap(deposited(signups[1].user_id, 700, "USD"))
    await broker_namespace.publish(first_of_second)
    await handled(pg, first_of_second)
    answer = await api.get("/api/partners/admin/stats", headers=admin)
    assert answer.status_code == 200
    mine = next(s for s in answer.json() if s["partner_id"] == partner_id)
    assert mine["registrations"] == 4
    assert mine["first_deposits"] == 2
    assert mine["conversion"] == "0.5000"
    assert mine["deposits_sum"] == {"USD": "20.00"}
    assert mine["outbound"] == {"delivered": 0, "failed": 0, "pending": 0}  # no URLs: none sent
    users = await api.get(
        f"/api/partners/admin/partners/{partner_id}/users", headers=admin, params={"limit": 3}
    )
    page = users.json()
    assert len(page["items"]) == 3
    assert page["next_cursor"]
    rest = await api.get(
        f"/api/partners/admin/partners/{partner_id}/users",
        headers=admin,
        params={"limit": 3, "cursor": page["next_cursor"]},
    )
    items = page["items"] + rest.json()["items"]
    assert len(items) == 4
    assert rest.json()["next_cursor"] is None
    first = next(i for i in items if i["user_id"] == str(signups[0].user_id))
    assert first["deposits_count"] == 2
    assert first["deposits_sum"] == {"USD": "13.00"}
