"""Every route of the merged OpenAPI, called by five callers, answers as the rules say.

The table is ``tests/security/matrix.py``; the routes come from the gateway's ``/api/openapi.json``
at test time, so a new route without a row fails here until someone decides who may call it.
Ann's resources are made first through the public API (deposits by card through the Stripe
simulator, bets, withdrawal methods and withdrawals, a report, an avatar, a spare session), then
every row is called by every caller, and every wrong answer is collected into one table.
"""

from __future__ import annotations

import base64
import io
import json
import re
import uuid
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from typing import Any
from urllib.parse import parse_qsl, urlsplit

import pytest
from PIL import Image
from sqlalchemy.ext.asyncio import create_async_engine
from tests.e2e.client import Bettor, Platform, eventually
from tests.e2e.processes import STRIPE_PUBLISHABLE_KEY
from tests.security.conftest import Cast
from tests.security.matrix import (
    CALLERS,
    NO_FUNDS,
    ROWS,
    Row,
    World,
    a_bank_account,
    a_single_on_her_event,
    accepts,
    shown,
    succeeds,
    to_her_bank_account,
)

from common.idempotency import HEADER
from wallet.domain.statements import Month
from wallet.service_layer import statements

_METHODS = ("get", "put", "post", "delete", "patch", "head", "options")
_PARAM = re.compile(r"\{(\w+)\}")
_UUID = re.compile(r"[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}")
NOT_AN_ID = "not-an-id"
# The world's ids that are Ann's: none may show in an answer to anyone else.
ANNS = (
    "ann",
    "avatar",
    "session_id",
    "intent_id",
    "payment_method_id",
    "payment_method_to_delete",
    "bet_id",
    "bet_to_cancel",
    "withdrawal_method_id",
    "withdrawal_method_to_verify",
    "withdrawal_method_to_delete",
    "withdrawal_to_cancel",
    "withdrawal_to_approve",
    "withdrawal_to_reject",
    "report_id",
)


# --- Ann's world, made through the public API --------------------------------------------------


async def _sign_up_unverified(platform: Platform, who: Bettor) -> Bettor:
    body = {"email": who.email, "password": who.password, "name": who.name}
    await platform.ok("POST", "/api/auth/sign-up", json=body, status=201)
    return await platform.sign_in(who)  # an unverified e-mail may sign in and read (§5)


async def _create_event(platform: Platform, admin: Bettor, w: World, name: str) -> dict[str, Any]:
    body = {
        "sport": w.ids["sport"],
        "league": w.ids["league"],
        "home_team": f"{name} Home {w.token}",
        "away_team": f"{name} Away {w.token}",
        "event_datetime": (datetime.now(UTC) + timedelta(days=2)).isoformat(),
        "odds": [
            {"bet_type": "1", "coefficient": 1.85},
            {"bet_type": "X", "coefficient": 3.4},
            {"bet_type": "2", "coefficient": 4.2},
        ],
    }
    created = await platform.ok("POST", "/api/events/", admin, status=201, json=body)
    event: dict[str, Any] = created["event"]
    return event


async def _deposit_by_new_card(platform: Platform, ann: Bettor, amount: str, card: str) -> str:
    """A deposit with a card saved for later, confirmed as Stripe.js would; its intent id."""
    body = {"amount": amount, "save_method": True}
    form = await platform.ok("POST", "/api/wallet/deposit", ann, json=body)
    confirmed = await platform.outside.post(
        f"{platform.layout.simulator_url}/v1/payment_intents/{form['intent_id']}/confirm",
        headers={"Authorization": f"Bearer {STRIPE_PUBLISHABLE_KEY}"},
        data={"client_secret": form["client_secret"], "payment_method": card},
    )
    assert confirmed.status_code == 200, confirmed.text
    intent_id = str(form["intent_id"])

    async def credited() -> bool | None:
        found = await platform.ok("GET", f"/api/wallet/deposits/{intent_id}", ann)
        return True if found["deposit"]["status"] == "succeeded" else None

    await eventually(credited, f"deposit {intent_id} credited")
    return intent_id


async def _saved_cards(platform: Platform, ann: Bettor) -> dict[str, str]:
    """Her saved cards' ids by last four digits, once both deposits saved theirs."""

    async def both() -> dict[str, str] | None:
        listed = (await platform.ok("GET", "/api/wallet/payment-methods", ann))["methods"]
        cards = {str(m["card_last4"]): str(m["method_id"]) for m in listed}
        return cards if {"4242", "4444"} <= cards.keys() else None

    return await eventually(both, "both cards saved")


async def _place_open_bet(platform: Platform, ann: Bettor, w: World) -> str:
    body = {"event_id": w.ids["bet_event"], "odds_id": w.ids["bet_odds"], "bet_amount": "1.00"}
    answer = await platform.call("POST", "/api/bets/place", ann, json=body)
    assert answer.status_code in (201, 202), answer.text
    bet_id = str(answer.json()["bet"]["bet_id"])

    async def is_open() -> bool | None:
        bet = (await platform.ok("GET", f"/api/bets/{bet_id}", ann))["bet"]
        assert bet["status"] in ("pending", "open"), bet
        return True if bet["status"] == "open" else None

    await eventually(is_open, f"bet {bet_id} open")
    return bet_id


async def _bank_account(platform: Platform, ann: Bettor) -> str:
    body = {
        "withdrawal_type": "bank_transfer",
        "iban": "DE89370400440532013000",
        "account_holder_name": ann.name,
    }
    added = await platform.ok("POST", "/api/wallet/withdrawal-methods", ann, status=201, json=body)
    return str(added["method"]["method_id"])


async def _withdrawal(platform: Platform, ann: Bettor, method_id: str) -> str:
    body = {"amount": "10.00", "withdrawal_method_id": method_id}
    asked = await platform.ok("POST", "/api/wallet/withdraw", ann, status=201, json=body)
    return str(asked["withdrawal"]["operation_id"])


async def _avatar(platform: Platform, ann: Bettor) -> str:
    """Upload an avatar; the stored file's name (``<random>.webp``)."""
    picture = io.BytesIO()
    Image.new("RGB", (16, 16), (200, 30, 30)).save(picture, format="PNG")
    answer = await platform.call(
        "PUT",
        "/api/auth/user",
        ann,
        data={"name": ann.name},
        files={"avatar": ("ann.png", picture.getvalue(), "image/png")},
    )
    assert answer.status_code == 200, answer.text
    url = str(answer.json()["user"]["avatar_url"])
    user_id, name = url.removeprefix("/api/auth/avatars/").split("/")
    assert user_id == ann.user_id, url
    return name


def _session_id(token: str) -> str:
    payload = token.split(".")[1]
    claims = json.loads(base64.urlsafe_b64decode(payload + "=" * (-len(payload) % 4)))
    return str(claims["sid"])


async def _refresh_tokens(platform: Platform, who: Bettor, count: int) -> list[str]:
    body = {"email": who.email, "password": who.password}
    return [
        str((await platform.ok("POST", "/api/auth/sign-in", json=body))["refresh_token"])
        for _ in range(count)
    ]


async def _statement_of_this_month(platform: Platform) -> Month:
    """Close this month's statements now (the monthly job does last month's): Ann's exists, as
    the only one of the cast with money moving this month.

    The job's statement query is run as it is, without ``generate_statements``' advisory lock:
    the running wallet's leader holds that same key for its whole life (reported)."""
    now = datetime.now(UTC)
    month = Month(now.year, now.month)
    bounds = {"year": month.year, "month": month.month, "start": month.start(), "end": month.end()}
    engine = create_async_engine(platform.layout.database_urls["wallet"])
    try:
        async with engine.begin() as conn:
            await conn.execute(statements._GENERATE, bounds)
    finally:
        await engine.dispose()
    return month


async def _catalogue(platform: Platform, admin: Bettor, w: World) -> None:
    """A sport, a league, two events to bet on and one for each lifecycle the admin rows walk
    through (edited, started and settled, postponed and rescheduled, cancelled, deleted)."""
    sport = await platform.ok(
        "POST", "/api/events/sports", admin, status=201, json={"name": f"Matrix Ball {w.token}"}
    )
    w.ids["sport"] = str(sport["sport"]["slug"])
    body = {"sport": w.ids["sport"], "name": f"Matrix League {w.token}"}
    league = await platform.ok("POST", "/api/events/leagues", admin, status=201, json=body)
    w.ids["league"] = str(league["league"]["name"])
    w.ids["league_id"] = str(league["league"]["league_id"])
    for name in ("bet_event", "coupon_event", "edit", "live", "postponed", "cancelled", "deleted"):
        event = await _create_event(platform, admin, w, name)
        w.ids[name] = str(event["event_id"])
    w.ids["bet_odds"] = await _home_win(platform, w.ids["bet_event"])
    w.ids["coupon_odds"] = await _home_win(platform, w.ids["coupon_event"])
    await _products(platform, admin, w)
    edited = await platform.ok("GET", f"/api/events/{w.ids['edit']}")
    w.ids["market_id"] = str(edited["event"]["markets"][0]["market_id"])
    w.ids["odds_id"] = str(edited["event"]["odds"][0]["odds_id"])


async def _products(platform: Platform, admin: Bettor, w: World) -> None:
    """Two plans to subscribe to and change between, one to retire, a package to buy."""
    for name, price in (("plan", "1.00"), ("other_plan", "2.00"), ("plan_to_retire", "3.00")):
        body = {"name": f"Matrix {name} {w.token}", "price": price, "period_seconds": 3600}
        made = await platform.ok("POST", "/api/wallet/admin/plans", admin, status=201, json=body)
        w.ids[name] = str(made["plan"]["id"])
    body = {"name": f"Matrix pack {w.token}", "units": 3, "price": "1.00", "validity_days": 30}
    made = await platform.ok("POST", "/api/wallet/admin/packages", admin, status=201, json=body)
    w.ids["package"] = str(made["package"]["id"])


async def _home_win(platform: Platform, event_id: str) -> str:
    event = (await platform.ok("GET", f"/api/events/{event_id}"))["event"]
    return next(str(o["odds_id"]) for o in event["odds"] if o["bet_type"] == "1")


async def _anns_money(platform: Platform, ann: Bettor, admin: Bettor, w: World) -> None:
    """Two card deposits (each card saved), two open bets, three bank accounts (one verified),
    three pending withdrawals, a report with its signed link."""
    w.ids["intent_id"] = await _deposit_by_new_card(platform, ann, "60.00", "pm_card_visa")
    await _deposit_by_new_card(platform, ann, "60.00", "pm_card_mastercard")
    cards = await _saved_cards(platform, ann)
    w.ids["payment_method_id"] = cards["4242"]
    w.ids["payment_method_to_delete"] = cards["4444"]

    w.ids["bet_id"] = await _place_open_bet(platform, ann, w)
    w.ids["bet_to_cancel"] = await _place_open_bet(platform, ann, w)

    method_id = w.ids["withdrawal_method_id"] = await _bank_account(platform, ann)
    await platform.ok("POST", f"/api/wallet/admin/withdrawal-methods/{method_id}/verify", admin)
    w.ids["withdrawal_method_to_verify"] = await _bank_account(platform, ann)
    w.ids["withdrawal_method_to_delete"] = await _bank_account(platform, ann)
    for purpose in ("cancel", "approve", "reject"):
        w.ids[f"withdrawal_to_{purpose}"] = await _withdrawal(platform, ann, method_id)

    made = await platform.ok("POST", "/api/wallet/export", ann, status=201, json={"format": "csv"})
    w.ids["report_id"] = str(made["report"]["report_id"])
    link = urlsplit(str(made["report"]["download_url"]))
    assert link.path == f"/api/wallet/reports/{w.ids['report_id']}/download", link
    w.download = dict(parse_qsl(link.query))
    month = await _statement_of_this_month(platform)
    w.ids["year"], w.ids["month"] = str(month.year), str(month.month)
    # No delivery has this id: an admin's retry of it reaches the route and is its 404.
    w.ids["nobodys_delivery"] = str(uuid.uuid4())
    # The partner the admin rows make (first row) and then read, change and test; and one that
    # nobody made, whose postbacks anyone may send and which answers 404.
    w.ids["partner_id"] = f"matrix-{w.token}"
    w.ids["nobodys_partner"] = f"nobody-{w.token}"


@pytest.fixture(scope="module")
async def world(platform: Platform, cast: Cast) -> World:
    admin, ann = cast.admin, cast.ann
    token = uuid.uuid4().hex[:8]
    carl = Bettor(f"carl-{token}@matrix.looseline.dev", "Carl-Matrix-pass-9", "Carl")
    w = World(token=token, carl=await _sign_up_unverified(platform, carl))
    tess = await _sign_up_unverified(
        platform, Bettor(f"tess-{token}@matrix.looseline.dev", "Tess-Matrix-pass-9", "Tess")
    )
    w.ids.update({"ann": ann.user_id, "tess": tess.user_id, "oauth": "github"})
    await _catalogue(platform, admin, w)
    await _anns_money(platform, ann, admin, w)
    w.ids["avatar"] = await _avatar(platform, ann)
    spare = await platform.sign_in(Bettor(ann.email, ann.password, ann.name))  # not the cast's
    w.ids["session_id"] = _session_id(spare.access_token)
    w.refresh_tokens = await _refresh_tokens(platform, w.carl, len(CALLERS))
    w.private = {ann.email} | {w.ids[k] for k in ANNS}
    return w


# --- calling a row ----------------------------------------------------------------------------


@dataclass
class Answer:
    status: int
    code: str | None
    text: str

    def __str__(self) -> str:
        return f"{self.status} {self.code}" if self.code else str(self.status)


def _path(row: Row, w: World, *, bare: bool) -> str:
    def value(found: re.Match[str]) -> str:
        return NOT_AN_ID if bare else w.ids[row.ids.get(found[1], found[1])]

    return _PARAM.sub(value, row.path)


async def _ask(
    platform: Platform,
    w: World,
    row: Row,
    caller: str,
    who: Bettor | None,
    *,
    bare: bool = False,
) -> tuple[Answer, str]:
    """Call ``row`` as ``who`` (``bare``: no body, no query, a non-id in every path parameter);
    the answer and the request as text (for the leak check).

    Anyone but Ann also asks every ``GET`` for ``user_id=<Ann's id>``: a filter the route does
    not declare must be ignored, one it declares must not widen a user's scope."""
    path = _path(row, w, bare=bare)
    kwargs: dict[str, Any] = {}
    if not bare and row.body is not None:
        kwargs["json"] = row.body(w, who)
    if not bare:
        params = row.query(w, who) if row.query is not None else {}
        if row.method == "GET" and caller != "ann":
            params.setdefault("user_id", w.ids["ann"])
        if params:
            kwargs["params"] = params
    sent = f"{path} {json.dumps(kwargs, default=str)}"
    if row.stream:
        headers = who.auth if who else {}
        async with platform.gateway().stream(row.method, path, headers=headers) as streamed:
            return Answer(streamed.status_code, None, ""), sent
    answer = await platform.call(row.method, path, who, **kwargs)
    code = None
    if answer.headers.get("content-type", "").startswith("application/json"):
        body = answer.json()
        if isinstance(body, dict) and isinstance(body.get("error"), dict):
            code = body["error"].get("code")
    return Answer(answer.status_code, code, answer.text), sent


def _callers(row: Row) -> list[str]:
    """Refusals first, the callers expected to succeed last (they may spend the resource)."""
    return sorted(CALLERS, key=lambda caller: succeeds(row.expected(caller)))


def _table(lines: list[tuple[str, ...]], header: tuple[str, ...]) -> str:
    """Lines as aligned columns under ``header``."""
    widths = [max(len(str(x)) for x in col) for col in zip(header, *lines, strict=True)]
    rows = [header, *lines]
    return "\n".join(
        "  ".join(str(c).ljust(n) for c, n in zip(r, widths, strict=True)) for r in rows
    )


def _leaks(w: World, row: Row, caller: str, answer: Answer, sent: str) -> list[str]:
    """Ann's identifiers in what someone else was shown (those they sent themselves aside)."""
    if caller == "ann" or row.answers_with_anns_data:
        return []
    if caller == "admin" and row.ann == 403:  # admin routes show users' data by design
        return []
    return sorted(x for x in w.private if x in answer.text and x not in sent)


# --- the tests --------------------------------------------------------------------------------


async def test_every_route_in_the_merged_openapi_has_a_row_and_every_row_a_route(
    platform: Platform,
) -> None:
    spec = await platform.ok("GET", "/api/openapi.json")
    assert not spec["info"].get("x-unavailable"), spec["info"]
    routes = {
        (method.upper(), path)
        for path, operations in spec["paths"].items()
        for method in operations
        if method in _METHODS
    }
    keys = [r.key for r in ROWS]
    twice = sorted({k for k in keys if keys.count(k) > 1})
    missing = sorted(routes - set(keys))
    stale = sorted(set(keys) - routes)
    problems = [f"no row in tests/security/matrix.py for: {m} {p}" for m, p in missing]
    problems += [f"a row for a route the spec no longer has: {m} {p}" for m, p in stale]
    problems += [f"two rows for: {m} {p}" for m, p in twice]
    assert not problems, "\n".join(problems)


async def test_every_route_answers_every_caller_as_the_rules_say(
    platform: Platform, cast: Cast, world: World
) -> None:
    people: dict[str, Bettor | None] = {
        "anon": None,
        "carl": world.carl,
        "bob": cast.bob,
        "admin": cast.admin,
        "ann": cast.ann,
    }
    wrong: list[tuple[str, ...]] = []
    leaked: list[tuple[str, ...]] = []
    for row in ROWS:
        for caller in _callers(row):
            who = people[caller]
            if row.fresh_session and who is not None:
                who = await platform.sign_in(Bettor(who.email, who.password, who.name))
            answer, sent = await _ask(platform, world, row, caller, who)
            expected = row.expected(caller)
            if not accepts(expected, answer.status, answer.code):
                wrong.append((row.method, row.path, caller, shown(expected), str(answer)))
            for found in _leaks(world, row, caller, answer, sent):
                leaked.append((row.method, row.path, caller, found))
    report = []
    if wrong:
        columns: tuple[str, ...] = ("method", "path", "caller", "expected", "got")
        report.append(f"{len(wrong)} answers break the rules:\n{_table(wrong, columns)}")
    if leaked:
        columns = ("method", "path", "caller", "Ann's identifier shown")
        report.append(f"Ann's data shown to others:\n{_table(leaked, columns)}")
    assert not report, "\n\n".join(report)


async def test_protected_routes_refuse_before_they_validate(
    platform: Platform, cast: Cast, world: World
) -> None:
    """No body, no query, a non-id for every path parameter: still 401 without a token and 403
    for a user on an admin route, never a 422 telling a stranger what the route expects."""
    wrong: list[tuple[str, ...]] = []
    for row in ROWS:
        probes: list[tuple[str, Bettor | None, int]] = []
        if row.anon == 401:
            probes.append(("anon", None, 401))
        if row.ann == 403 and row.bob == 403:
            probes.append(("bob", cast.bob, 403))
        for caller, who, status in probes:
            answer, _ = await _ask(platform, world, row, caller, who, bare=True)
            if answer.status != status:
                path = _path(row, world, bare=True)
                wrong.append((row.method, path, caller, str(status), str(answer)))
    header = ("method", "path", "caller", "expected", "got")
    assert not wrong, f"refused only after validation:\n{_table(wrong, header)}"


REPLAYS = (
    # (method, path, the body both send, what Bob must get: his own answer, never hers)
    ("POST", "/api/wallet/withdrawal-methods", a_bank_account, 201),
    ("POST", "/api/wallet/withdraw", to_her_bank_account, 404),
    ("POST", "/api/bets/place", a_single_on_her_event, NO_FUNDS),
)


async def test_an_idempotency_key_replays_only_to_whoever_sent_it(
    platform: Platform, cast: Cast, world: World
) -> None:
    """Bob sending the key (and body) Ann just used gets his own answer, not her recorded one."""
    ann, bob = cast.ann, cast.bob
    wrong: list[tuple[str, ...]] = []
    for method, path, body, bobs in REPLAYS:
        headers = {HEADER: f"matrix-{uuid.uuid4().hex}"}
        sent = body(world, ann)
        hers = await platform.call(method, path, ann, json=sent, headers=headers)
        assert hers.is_success, f"{method} {path}: {hers.status_code} {hers.text}"
        theirs = await platform.call(method, path, bob, json=sent, headers=headers)
        made_for_her = _ids_in(hers.json()) - _ids_in(sent)  # not the event he bets on too
        shown_to_bob = [x for x in made_for_her if x in theirs.text]
        if not accepts(bobs, theirs.status_code, None) or shown_to_bob:
            got = f"{theirs.status_code} {theirs.text[:120]}"
            wrong.append((method, path, shown(bobs), got))
    header = ("method", "path", "Bob expected", "Bob got")
    assert not wrong, f"Ann's answer replayed to Bob:\n{_table(wrong, header)}"


def _ids_in(node: Any) -> set[str]:
    """Every UUID-looking string in an answer (the resource it made, its operation id, ...)."""
    if isinstance(node, dict):
        return set().union(*(_ids_in(v) for v in node.values())) if node else set()
    if isinstance(node, list):
        return set().union(*(_ids_in(v) for v in node)) if node else set()
    return {node} if isinstance(node, str) and _UUID.fullmatch(node) else set()
