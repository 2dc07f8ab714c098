"""Builders for the bets tests: events' messages with overrides, and a helper to run a handler."""

from __future__ import annotations

import uuid
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from decimal import Decimal
from typing import Any

from pydantic import BaseModel
from services.wallet.tests.support.ledger import WalletDb
from services.wallet.tests.support.ledger import handle as wallet_handle
from sqlalchemy import text
from sqlalchemy.ext.asyncio import AsyncEngine, AsyncSession, async_sessionmaker

from bets.domain.limits import BetLimits
from bets.service_layer import read_model, saga, settlement
from bets.service_layer.placement import LegRequest, place_bet
from bets.service_layer.unit_of_work import BetsUnitOfWork
from common.contracts.bets import BetResettled, BetSettled, ReserveStake
from common.contracts.events import (
    EventCreated,
    EventResettled,
    EventSettled,
    MarketChanged,
    OddsChanged,
    SelectionOutcome,
)
from common.contracts.wallet import StakeReservationRejected, StakeReserved
from common.messaging.consumer import MessageContext
from common.messaging.envelope import Envelope, wrap
from wallet.service_layer import saga as wallet_saga


@dataclass
class BetsDb:
    engine: AsyncEngine
    sessionmaker: async_sessionmaker[AsyncSession]

    async def rows(self, sql: str, **params: Any) -> list[dict[str, Any]]:
        async with self.engine.connect() as conn:
            result = await conn.execute(text(sql), params)
            return [dict(r._mapping) for r in result]

    async def one(self, sql: str, **params: Any) -> dict[str, Any]:
        rows = await self.rows(sql, **params)
        assert len(rows) == 1, rows
        return rows[0]


async def handle(
    db: BetsDb, handler: Any, payload: BaseModel, envelope: Envelope | None = None
) -> None:
    """Run a subscription handler in a transaction of its own, as the consumer would."""
    envelope = envelope or wrap(payload)
    async with db.sessionmaker.begin() as session:
        await handler(payload, MessageContext(session, envelope, "bets"))


def make_event_created(**overrides: Any) -> EventCreated:
    values: dict[str, Any] = {
        "event_id": uuid.uuid4(),
        "revision": 1,
        "event_name": "Real Madrid \u2013 Barcelona",
        "sport": "Football",
        "league": "La Liga",
        "home_team": "Real Madrid",
        "away_team": "Barcelona",
        "starts_at": datetime.now(UTC) + timedelta(days=1),
        "status": "scheduled",
    }
    values.update(overrides)
    return EventCreated(**values)


def make_odds_changed(event_id: uuid.UUID, **overrides: Any) -> OddsChanged:
    values: dict[str, Any] = {
        "event_id": event_id,
        "market_id": uuid.uuid4(),
        "odds_id": uuid.uuid4(),
        "market": "1X2",
        "selection": "1",
        "new_coefficient": Decimal("2.10"),
        "odds_version": 1,
    }
    values.update(overrides)
    return OddsChanged(**values)


def make_market_changed(
    odds: OddsChanged, status: str, *, live_betting: bool = False
) -> MarketChanged:
    return MarketChanged(
        event_id=odds.event_id,
        market_id=odds.market_id,
        market_type="1x2",
        market=odds.market,
        status=status,  # type: ignore[arg-type]
        live_betting=live_betting,
    )


async def offer(
    db: BetsDb, coefficient: str = "2.10", **event_overrides: Any
) -> tuple[EventCreated, OddsChanged]:
    """An open event with one selection at ``coefficient`` in the read model."""
    created = make_event_created(**event_overrides)
    odds = make_odds_changed(created.event_id, new_coefficient=Decimal(coefficient))
    await handle(db, read_model.on_event_snapshot, created)
    await handle(db, read_model.on_odds_changed, odds)
    return created, odds


async def live_offer(
    db: BetsDb, *, live_betting: bool, market_status: str = "open", **event_overrides: Any
) -> tuple[EventCreated, OddsChanged]:
    """A live event (unless overridden) whose market takes live bets or not."""
    created, odds = await offer(db, **{"status": "live", **event_overrides})
    await handle(
        db,
        read_model.on_market_changed,
        make_market_changed(odds, market_status, live_betting=live_betting),
    )
    return created, odds


async def outbox_messages(
    db: BetsDb, type_: str, bet_id: uuid.UUID, *, unpublished: bool = False
) -> list[dict[str, Any]]:
    """Payloads of bets' outbox messages of a type for a bet (oldest first)."""
    rows = await db.rows(
        "SELECT body FROM bets.outbox"
        " WHERE routing_key = :key AND body->'payload'->>'bet_id' = :id"
        + (" AND published_at IS NULL" if unpublished else "")
        + " ORDER BY id",
        key=f"bets.{type_}",
        id=str(bet_id),
    )
    return [r["body"]["payload"] for r in rows]


async def take_outbox(db: BetsDb, type_: str, bet_id: uuid.UUID) -> list[dict[str, Any]]:
    """Like ``outbox_messages``, and marks them published (a test delivers them by hand)."""
    found = await outbox_messages(db, type_, bet_id)
    async with db.engine.begin() as conn:
        await conn.execute(
            text(
                "UPDATE bets.outbox SET published_at = now() WHERE routing_key = :key"
                " AND body->'payload'->>'bet_id' = :id"
            ),
            {"key": f"bets.{type_}", "id": str(bet_id)},
        )
    return found


def make_event_resettled(
    event_id: uuid.UUID, outcomes: dict[uuid.UUID, str], *, version: int = 2
) -> EventResettled:
    return EventResettled(
        event_id=event_id,
        settlement_version=version,
        home_score=0,
        away_score=2,
        outcomes=[
            SelectionOutcome(odds_id=odds_id, market="1X2", selection="1", outcome=outcome)  # type: ignore[arg-type]
            for odds_id, outcome in outcomes.items()
        ],
        reason="Result corrected",
    )


def make_event_settled(
    event_id: uuid.UUID, outcomes: dict[uuid.UUID, str], *, version: int = 1
) -> EventSettled:
    return EventSettled(
        event_id=event_id,
        settlement_version=version,
        home_score=2,
        away_score=0,
        outcomes=[
            SelectionOutcome(odds_id=odds_id, market="1X2", selection="1", outcome=outcome)  # type: ignore[arg-type]
            for odds_id, outcome in outcomes.items()
        ],
    )


async def settle_event(
    db: BetsDb, event_id: uuid.UUID, outcomes: dict[uuid.UUID, str], *, version: int = 1
) -> None:
    """The events service's result of ``version`` handled by bets."""
    await handle(
        db, settlement.on_event_settled, make_event_settled(event_id, outcomes, version=version)
    )


async def resettle_event(
    db: BetsDb, event_id: uuid.UUID, outcomes: dict[uuid.UUID, str], *, version: int = 2
) -> None:
    """The events service's corrected result of ``version`` handled by bets."""
    await handle(
        db, settlement.on_event_resettled, make_event_resettled(event_id, outcomes, version=version)
    )


async def reserve_in_wallet(
    bets_db: BetsDb, wallet_db: WalletDb, bet_id: uuid.UUID
) -> dict[str, Any]:
    """Deliver the bet's ReserveStake to the wallet's handler; the wallet's reply payload."""
    [command] = await take_outbox(bets_db, "ReserveStake", bet_id)
    await wallet_handle(wallet_db, wallet_saga.on_reserve_stake, ReserveStake(**command))
    replies = await wallet_db.emitted("StakeReserved", bet_id=bet_id)
    replies += await wallet_db.emitted("StakeReservationRejected", bet_id=bet_id)
    async with wallet_db.engine.begin() as conn:  # delivered by hand, not by a relay
        await conn.execute(
            text(
                "UPDATE wallet.outbox SET published_at = now()"
                " WHERE body->'payload'->>'bet_id' = :id"
            ),
            {"id": str(bet_id)},
        )
    [reply] = replies
    return reply


async def open_bet(
    bets_db: BetsDb,
    wallet_db: WalletDb,
    user_id: uuid.UUID,
    coefficients: list[str],
    stake: int,
    *,
    legs: list[tuple[EventCreated, OddsChanged]] | None = None,
    placed_at: datetime | None = None,
) -> tuple[uuid.UUID, list[Any]]:
    """A bet placed (on new offers at ``coefficients``, or on ``legs``), reserved by the wallet
    and open; its (event, odds) per leg."""
    legs = legs or [await offer(bets_db, c) for c in coefficients]
    async with BetsUnitOfWork(bets_db.sessionmaker) as uow:
        bet_id = await place_bet(
            uow,
            user_id=user_id,
            legs=[LegRequest(e.event_id, o.odds_id) for e, o in legs],
            stake_minor=stake,
            is_coupon=len(legs) > 1,
            policy="none",
            limits=BetLimits(),
            currency="USD",
            now=placed_at or datetime.now(UTC),
        )
        await uow.commit()
    reply = await reserve_in_wallet(bets_db, wallet_db, bet_id)
    await handle(bets_db, saga.on_stake_reserved, StakeReserved(**reply))
    await take_outbox(bets_db, "BetPlaced", bet_id)
    return bet_id, legs


async def pay_out(bets_db: BetsDb, wallet_db: WalletDb, bet_id: uuid.UUID) -> dict[str, Any]:
    """Deliver the bet's one BetSettled to the wallet's handler; its payload."""
    [settled] = await take_outbox(bets_db, "BetSettled", bet_id)
    await wallet_handle(wallet_db, wallet_saga.on_bet_settled, BetSettled(**settled))
    return settled


async def bet_row(bets_db: BetsDb, bet_id: uuid.UUID) -> dict[str, Any]:
    return await bets_db.one(
        "SELECT status, result, payout_minor FROM bets.bet WHERE id = :id", id=bet_id
    )


async def pay_resettled(
    bets_db: BetsDb, wallet_db: WalletDb, bet_id: uuid.UUID
) -> list[dict[str, Any]]:
    """Deliver the bet's unpublished BetResettled messages to the wallet's handler."""
    found = await outbox_messages(bets_db, "BetResettled", bet_id, unpublished=True)
    await take_outbox(bets_db, "BetResettled", bet_id)
    for payload in found:
        await wallet_handle(wallet_db, wallet_saga.on_bet_resettled, BetResettled(**payload))
    return found


async def pending_bet(
    db: BetsDb, user_id: uuid.UUID, *, age: timedelta = timedelta(0)
) -> uuid.UUID:
    """A single placed ``age`` ago, still ``pending`` (its ReserveStake sits in the outbox)."""
    event, odds = await offer(db)
    async with BetsUnitOfWork(db.sessionmaker) as uow:
        bet_id = await place_bet(
            uow,
            user_id=user_id,
            legs=[LegRequest(event.event_id, odds.odds_id)],
            stake_minor=1_000,
            is_coupon=False,
            policy="none",
            limits=BetLimits(),
            currency="USD",
            now=datetime.now(UTC) - age,
        )
        await uow.commit()
    return bet_id


async def refuse_stake(db: BetsDb, bet_id: uuid.UUID, user_id: uuid.UUID) -> None:
    """The wallet's refusal, handled as the consumer would: the bet is rejected and NOTIFYed."""
    await handle(
        db,
        saga.on_stake_reservation_rejected,
        StakeReservationRejected(
            bet_id=bet_id, user_id=user_id, reason="wallet.insufficient_funds"
        ),
    )
