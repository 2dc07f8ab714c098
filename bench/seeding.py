"""What the bench sets up before it times anything (setup time is never part of a figure).

- bettors: signed up, verified from the mail sink and signed in through the public API, as a
  person does (the bench's platform hashes passwords with cheap argon2 settings: no measured
  figure involves a password hash, and 1 000 OWASP-strength hashes would take minutes);
- events: created by the admin through the public API, 1X2 odds each;
- deposits: through the deposit API and the Stripe simulator (the webhook itself is a measure);
- the settlement book: wallets funded by the wallet's own service layer, bets inserted
  ``pending`` with their ``ReserveStake`` in bets' outbox in one transaction (what placing
  does, in bulk), so bets' relay publishes them, the wallet's consumer holds every stake and
  bets' consumer opens every bet — the real saga, only not through HTTP.
"""

from __future__ import annotations

import asyncio
import random
import time
import uuid
from collections.abc import Awaitable, Callable, Iterable
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from decimal import Decimal
from typing import Any, TypeVar

from services.bets.tests.scale import _in_lanes
from services.wallet.tests.support.ledger import WalletDb, open_funded
from sqlalchemy import insert, text
from sqlalchemy.ext.asyncio import AsyncEngine
from tests.e2e.client import Bettor, Platform, eventually
from tests.e2e.processes import ADMIN_EMAIL, ADMIN_PASSWORD, STRIPE_PUBLISHABLE_KEY

from bets.adapters.tables import bet, bet_leg
from bets.domain.odds import payout_minor
from common.contracts.bets import BetLeg, ReserveStake
from common.db import create_engine, create_sessionmaker
from common.messaging.outbox import add_to_outbox

T = TypeVar("T")
PASSWORD = "Bench-Passw0rd-9-Battery"  # noqa: S105 - bench bettors on a throwaway database
PRICES = (("1", "2.10"), ("X", "3.40"), ("2", "3.25"))
WAVE = 2_000  # open bets handed to the saga at once while the book is built
SETTLEMENT_DEPOSIT_MINOR = 1_000_000  # 10 000.00: every stake of the book fits


async def gather_limited(work: Iterable[Awaitable[T]], limit: int) -> list[T]:
    """Run the awaitables ``limit`` at a time (setup must not flood the platform either)."""
    gate = asyncio.Semaphore(limit)

    async def one(item: Awaitable[T]) -> T:
        async with gate:
            return await item

    return list(await asyncio.gather(*(one(w) for w in work)))


async def admin(platform: Platform) -> Bettor:
    return await platform.sign_in(Bettor(ADMIN_EMAIL, ADMIN_PASSWORD, "Admin"))


async def bettors(platform: Platform, count: int, *, limit: int = 8) -> list[Bettor]:
    """``count`` verified, signed-in bettors (sign-up → code from the inbox → verify → sign in)."""
    run = uuid.uuid4().hex[:6]
    people = [
        Bettor(f"bettor{i}.{run}@bench.looseline.dev", PASSWORD, f"Bettor {i}")
        for i in range(count)
    ]
    return await gather_limited((platform.sign_up_verified(p) for p in people), limit)


async def events(platform: Platform, boss: Bettor, count: int) -> list[dict[str, Any]]:
    """``count`` scheduled events with 1X2 odds, in the listing's shape."""
    token = uuid.uuid4().hex[:6]
    sport = await platform.ok(
        "POST", "/api/events/sports", boss, status=201, json={"name": f"Bench Ball {token}"}
    )
    slug = str(sport["sport"]["slug"])
    league = await platform.ok(
        "POST",
        "/api/events/leagues",
        boss,
        status=201,
        json={"sport": slug, "name": f"Bench League {token}"},
    )
    starts = datetime.now(UTC) + timedelta(days=2)

    async def create(i: int) -> dict[str, Any]:
        body = {
            "sport": slug,
            "league": league["league"]["name"],
            "home_team": f"Home {i} {token}",
            "away_team": f"Away {i} {token}",
            "event_datetime": (starts + timedelta(minutes=i)).isoformat(),
            "odds": [{"bet_type": t, "coefficient": c} for t, c in PRICES],
        }
        created = await platform.ok("POST", "/api/events/", boss, status=201, json=body)
        return dict(created["event"])

    return await gather_limited((create(i) for i in range(count)), 8)


def odds_id(event: dict[str, Any], bet_type: str = "1") -> str:
    return next(str(o["odds_id"]) for o in event["odds"] if o["bet_type"] == bet_type)


async def bets_take(platform: Platform, who: Bettor, event: dict[str, Any]) -> None:
    """Wait until bets' read model has the event: a 1.00 bet on it is accepted (201/202)."""
    body = {"event_id": event["event_id"], "odds_id": odds_id(event), "bet_amount": "1.00"}

    async def probe() -> bool | None:
        answer = await platform.call("POST", "/api/bets/place", who, json=body)
        return True if answer.status_code in (200, 201, 202) else None

    await eventually(probe, "bets knows the bench's events", timeout_s=60)


@dataclass
class Deposits:
    """Intents paid at the simulator whose ``payment_intent.succeeded`` was held back."""

    payloads: list[str] = field(default_factory=list)


async def card_deposits(platform: Platform, people: list[Bettor], amount: str) -> Deposits:
    """Each bettor starts a card deposit and pays it at the simulator with its test card; the
    simulator's own webhook delivery is paused, so the bench delivers them (a measure)."""
    sim = platform.layout.simulator_url
    (await platform.outside.post(f"{sim}/_sim/webhooks/pause")).raise_for_status()

    async def pay(who: Bettor) -> str:
        async def start() -> dict[str, Any] | None:
            answer = await platform.call(
                "POST", "/api/wallet/deposit", who, json={"amount": amount}
            )
            return dict(answer.json()) if answer.status_code in (200, 201) else None

        form = await eventually(start, f"a deposit form for {who.email}")  # wallet opened?
        confirmed = await platform.outside.post(
            f"{sim}/v1/payment_intents/{form['intent_id']}/confirm",
            headers={"Authorization": f"Bearer {STRIPE_PUBLISHABLE_KEY}"},
            data={"client_secret": form["client_secret"], "payment_method": "pm_card_visa"},
        )
        assert confirmed.status_code == 200, confirmed.text
        return str(form["intent_id"])

    intents = set(await gather_limited((pay(p) for p in people), 8))
    listed = await platform.outside.get(
        f"{sim}/_sim/events", params={"type": "payment_intent.succeeded"}
    )
    listed.raise_for_status()
    found = Deposits()
    for event in listed.json()["data"]:
        delivery = await platform.outside.get(f"{sim}/_sim/events/{event['id']}/delivery")
        delivery.raise_for_status()
        payload = str(delivery.json()["payload"])
        if any(intent in payload for intent in intents):
            found.payloads.append(payload)
    assert len(found.payloads) == len(intents), (len(found.payloads), len(intents))
    return found


@dataclass
class Book:
    """One event's open bets for the settlement measure."""

    event: dict[str, Any]
    bet_ids: list[uuid.UUID]
    users: list[uuid.UUID]
    setup_s: float = 0.0


async def fund_wallets(wallet_url: str, count: int) -> list[uuid.UUID]:
    """``count`` wallets opened and credited by the wallet's own service layer (setup)."""
    engine = create_engine(wallet_url, pool_size=6)
    db = WalletDb(engine, create_sessionmaker(engine))
    users = [uuid.uuid4() for _ in range(count)]

    async def fund(session: Any, user_id: uuid.UUID) -> None:
        await open_funded(session, user_id, SETTLEMENT_DEPOSIT_MINOR)

    try:
        await _in_lanes(db, users, lambda u: u, fund)
    finally:
        await engine.dispose()
    return users


async def open_book(
    platform: Platform,
    boss: Bettor,
    bets_url: str,
    observer: AsyncEngine,
    users: list[uuid.UUID],
    count: int,
    *,
    timeout_s: float,
) -> Book:
    """An event with ``count`` bets from ``users`` (stakes 1.00 to 50.00 on its three prices),
    placed ``pending`` with their ``ReserveStake`` and waited for until every one is open."""
    started = time.perf_counter()
    [event] = await events(platform, boss, 1)
    engine = create_engine(bets_url, pool_size=2)
    try:
        event_id = uuid.UUID(str(event["event_id"]))
        offers = await _offers(engine, event_id, timeout_s=60)
        rng = random.Random(count)
        rows = []
        for i in range(count):
            offer = rng.choice(offers)
            stake = rng.randint(100, 5_000)
            rows.append((uuid.uuid4(), users[i % len(users)], offer, stake))
        sessionmaker = create_sessionmaker(engine)
        deadline = time.monotonic() + timeout_s
        # In waves the wallet holds well within bets' pending-bet watchdog (30 s): a bet
        # pending longer is sent again, then rejected — the saga's rule, not the bench's.
        for start in range(0, count, WAVE):
            async with sessionmaker.begin() as session:
                await _insert_pending(session, rows[start : start + WAVE])
            opened = min(count, start + WAVE)
            await _wait_open(observer, event_id, opened, deadline - time.monotonic())
    finally:
        await engine.dispose()
    return Book(event, [r[0] for r in rows], users, setup_s=time.perf_counter() - started)


async def _offers(engine: AsyncEngine, event_id: uuid.UUID, *, timeout_s: float) -> list[Any]:
    """The event's three prices as bets' read model holds them (they arrive over the bus)."""
    deadline = time.monotonic() + timeout_s
    while True:
        async with engine.connect() as conn:
            found = (
                await conn.execute(
                    text(
                        "SELECT s.odds_id, s.market_id, s.market, s.selection, s.coefficient,"
                        " e.event_name, e.id AS event_id FROM bets.selection s"
                        " JOIN bets.event e ON e.id = s.event_id WHERE s.event_id = :id"
                    ),
                    {"id": event_id},
                )
            ).all()
        if len(found) == len(PRICES) and all(r.event_name for r in found):
            return list(found)
        if time.monotonic() > deadline:
            raise TimeoutError(f"bets never learnt event {event_id}'s prices")
        await asyncio.sleep(0.2)


async def _insert_pending(session: Any, rows: list[tuple[uuid.UUID, uuid.UUID, Any, int]]) -> None:
    """What ``place_bet`` writes, for many bets at once: bet, leg, ``ReserveStake``."""
    now = datetime.now(UTC)
    coefficient: Callable[[Any], Decimal] = lambda o: Decimal(str(o.coefficient))  # noqa: E731
    await session.execute(
        insert(bet),
        [
            {
                "id": bet_id,
                "user_id": user_id,
                "bet_type": "single",
                "status": "pending",
                "stake_minor": stake,
                "currency": "USD",
                "coefficient": coefficient(o),
                "potential_win_minor": payout_minor(stake, coefficient(o)),
                "accept_odds_change": "none",
                "created_at": now,
            }
            for bet_id, user_id, o, stake in rows
        ],
    )
    await session.execute(
        insert(bet_leg),
        [
            {
                "bet_id": bet_id,
                "position": 0,
                "event_id": o.event_id,
                "market_id": o.market_id,
                "odds_id": o.odds_id,
                "event_name": o.event_name,
                "market": o.market,
                "selection": o.selection,
                "coefficient": coefficient(o),
            }
            for bet_id, _, o, _ in rows
        ],
    )
    commands = [
        ReserveStake(
            bet_id=bet_id,
            user_id=user_id,
            amount_minor=stake,
            currency="USD",
            legs=[
                BetLeg(
                    event_id=o.event_id,
                    event_name=o.event_name,
                    market=o.market,
                    selection=o.selection,
                    coefficient=coefficient(o),
                    odds_id=o.odds_id,
                )
            ],
            potential_win_minor=payout_minor(stake, coefficient(o)),
        )
        for bet_id, user_id, o, stake in rows
    ]
    await add_to_outbox(session, "bets", *commands)


async def _wait_open(
    observer: AsyncEngine, event_id: uuid.UUID, count: int, timeout_s: float
) -> None:
    """Until every bet on the event is open (its stake held by the wallet's consumer)."""
    deadline = time.monotonic() + timeout_s
    while True:
        async with observer.connect() as conn:
            found = await conn.execute(
                text(
                    "SELECT b.status, count(*) AS n FROM bets.bet b"
                    " JOIN bets.bet_leg l ON l.bet_id = b.id"
                    " WHERE l.event_id = :id GROUP BY b.status"
                ),
                {"id": event_id},
            )
            statuses = {r.status: int(r.n) for r in found}
        opened = statuses.get("open", 0)
        if opened >= count:
            return
        if set(statuses) - {"open", "pending"}:
            raise AssertionError(f"the book's bets were not all held: {statuses}")
        if time.monotonic() > deadline:
            raise TimeoutError(f"only {opened} of {count} stakes held in {timeout_s:.0f} s")
        await asyncio.sleep(0.2)
