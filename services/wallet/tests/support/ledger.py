"""Builders and probes for the wallet's tests (and other services' end-to-end tests).

They live with the tests, not in the ``wallet`` package, so the service's image never ships them;
other services' tests import them as ``services.wallet.tests.support.ledger``.
Test data comes from small builder functions with overrides.
"""

from __future__ import annotations

import uuid
from dataclasses import dataclass
from datetime import UTC, datetime
from decimal import Decimal
from typing import Any

import httpx
from pydantic import BaseModel
from sqlalchemy import select, text
from sqlalchemy.ext.asyncio import AsyncEngine, AsyncSession, async_sessionmaker

from common.contracts.bets import (
    BetCancelled,
    BetLeg,
    BetPlaced,
    BetResettled,
    BetSettled,
    ReleaseStake,
    ReserveStake,
)
from common.messaging.consumer import MessageContext
from common.messaging.envelope import Envelope, wrap
from wallet.adapters.tables import SCHEMA, account, balance_transaction, hold, outbox
from wallet.service_layer import saga
from wallet.service_layer.deposits.settle import credit
from wallet.service_layer.unit_of_work import WalletUnitOfWork


@dataclass
class Api:
    """The wallet API as a user or an admin (tokens from the test issuer)."""

    http: httpx.AsyncClient
    issuer: Any  # common.testing.tokens.TokenIssuer

    def headers(
        self, user_id: uuid.UUID, *, role: str = "user", key: str | None = None
    ) -> dict[str, str]:
        headers = {
            "Authorization": f"Bearer {self.issuer.issue(user_id=user_id, role=role)}",
            "User-Agent": "wallet-tests/1.0",
            "X-Real-IP": "203.0.113.7",  # as the gateway sends it (the test client is loopback)
        }
        if key is not None:
            headers["Idempotency-Key"] = key
        return headers

    async def get(
        self, path: str, user_id: uuid.UUID, *, role: str = "user", **params: Any
    ) -> httpx.Response:
        return await self.http.get(path, headers=self.headers(user_id, role=role), params=params)

    async def post(
        self,
        path: str,
        user_id: uuid.UUID,
        body: Any = None,
        *,
        role: str = "user",
        key: str | None = None,
    ) -> httpx.Response:
        return await self.http.post(
            path, headers=self.headers(user_id, role=role, key=key), json=body
        )

    async def delete(self, path: str, user_id: uuid.UUID) -> httpx.Response:
        return await self.http.delete(path, headers=self.headers(user_id))

    async def admin_post(
        self, path: str, body: Any = None, key: str | None = None
    ) -> httpx.Response:
        return await self.post(path, uuid.uuid4(), body, role="admin", key=key)


@dataclass
class WalletDb:
    engine: AsyncEngine
    sessionmaker: async_sessionmaker[AsyncSession]

    async def balances(self, user_id: uuid.UUID) -> tuple[int, int]:
        """(available, held) in minor units."""
        async with self.engine.connect() as conn:
            rows = await conn.execute(
                select(account.c.kind, account.c.balance_minor).where(account.c.user_id == user_id)
            )
            found = {r.kind: int(r.balance_minor) for r in rows}
        return found["available"], found["held"]

    async def hold_status(self, bet_id: uuid.UUID) -> str | None:
        async with self.engine.connect() as conn:
            status = await conn.scalar(select(hold.c.status).where(hold.c.bet_id == bet_id))
        return None if status is None else str(status)

    async def history(self, user_id: uuid.UUID) -> list[dict[str, Any]]:
        async with self.engine.connect() as conn:
            rows = await conn.execute(
                select(balance_transaction)
                .where(balance_transaction.c.user_id == user_id)
                .order_by(balance_transaction.c.id)
            )
            return [dict(r._mapping) for r in rows]

    async def emitted(self, type_: str, **payload: Any) -> list[dict[str, Any]]:
        """Payloads of outbox messages of a type whose payload has these fields."""
        async with self.engine.connect() as conn:
            rows = await conn.execute(
                select(outbox.c.body).where(outbox.c.routing_key == f"wallet.{type_}")
            )
            bodies = [r.body for r in rows]
        wanted = {k: str(v) if isinstance(v, uuid.UUID) else v for k, v in payload.items()}
        return [
            b["payload"] for b in bodies if all(b["payload"].get(k) == v for k, v in wanted.items())
        ]

    async def count(self, sql: str, **params: Any) -> int:
        async with self.engine.connect() as conn:
            return int(await conn.scalar(text(sql), params) or 0)


async def handle(
    db: WalletDb, handler: Any, payload: BaseModel, envelope: Envelope | None = None
) -> None:
    """Run a subscription handler in a transaction of its own, as the consumer would."""
    envelope = envelope or wrap(payload)
    async with db.sessionmaker.begin() as session:
        await handler(payload, MessageContext(session, envelope, SCHEMA))


async def make_wallet(
    db: WalletDb, *, balance_minor: int = 0, currency: str = "USD", user_id: uuid.UUID | None = None
) -> uuid.UUID:
    """A user with an open wallet and ``balance_minor`` deposited."""
    user_id = user_id or uuid.uuid4()
    async with db.sessionmaker.begin() as session:
        await open_funded(session, user_id, balance_minor, currency=currency)
    return user_id


async def open_funded(
    session: AsyncSession,
    user_id: uuid.UUID,
    balance_minor: int,
    *,
    currency: str = "USD",
    operation_id: uuid.UUID | None = None,
) -> None:
    """Open the user's wallet and deposit ``balance_minor`` (if any) through the wallet's own
    handlers, in the caller's transaction (fixtures, the scale test, the bench)."""
    uow = WalletUnitOfWork.joining(session)
    await uow.wallets.open(user_id, currency)
    if balance_minor:
        await credit(
            uow,
            user_id=user_id,
            operation_id=operation_id or uuid.uuid4(),
            amount_minor=balance_minor,
        )


async def deposit(db: WalletDb, user_id: uuid.UUID, amount_minor: int) -> None:
    async with db.sessionmaker.begin() as session:
        await credit(
            WalletUnitOfWork.joining(session),
            user_id=user_id,
            operation_id=uuid.uuid4(),
            amount_minor=amount_minor,
        )


def make_leg(**overrides: Any) -> BetLeg:
    values: dict[str, Any] = {
        "event_id": uuid.uuid4(),
        "event_name": "Real Madrid \u2013 Barcelona",
        "market": "1X2",
        "selection": "1",
        "coefficient": Decimal("2.10"),
    }
    values.update(overrides)
    return BetLeg(**values)


def make_reserve(user_id: uuid.UUID, amount_minor: int, **overrides: Any) -> ReserveStake:
    values: dict[str, Any] = {
        "bet_id": uuid.uuid4(),
        "user_id": user_id,
        "amount_minor": amount_minor,
        "currency": "USD",
        "legs": [make_leg()],
    }
    values.update(overrides)
    return ReserveStake(**values)


async def reserve_on_new_wallet(
    db: WalletDb, *, balance_minor: int, stake_minor: int, **overrides: Any
) -> tuple[uuid.UUID, ReserveStake]:
    """A new user with ``balance_minor`` deposited, and a ReserveStake of ``stake_minor`` for
    one bet handled (held, or rejected when the balance is short): the user and the command."""
    user_id = await make_wallet(db, balance_minor=balance_minor)
    reserve = make_reserve(user_id, stake_minor, **overrides)
    await handle(db, saga.on_reserve_stake, reserve)
    return user_id, reserve


def make_release(reserve: ReserveStake, **overrides: Any) -> ReleaseStake:
    values: dict[str, Any] = {
        "bet_id": reserve.bet_id,
        "user_id": reserve.user_id,
        "reason": "bet.event_started",
        "legs": reserve.legs,
    }
    values.update(overrides)
    return ReleaseStake(**values)


def make_placed(reserve: ReserveStake, **overrides: Any) -> BetPlaced:
    coefficient = reserve.legs[0].coefficient if len(reserve.legs) == 1 else Decimal("5.83")
    values: dict[str, Any] = {
        "bet_id": reserve.bet_id,
        "user_id": reserve.user_id,
        "bet_type": "single" if len(reserve.legs) == 1 else "coupon",
        "stake_minor": reserve.amount_minor,
        "currency": reserve.currency,
        "coefficient": coefficient,
        "potential_win_minor": int(reserve.amount_minor * coefficient),
        "legs": reserve.legs,
        "placed_at": datetime.now(UTC),
    }
    values.update(overrides)
    return BetPlaced(**values)


def make_settled(
    reserve: ReserveStake, result: str, payout_minor: int | None = None, **overrides: Any
) -> BetSettled:
    if payout_minor is None:
        payout_minor = {
            "won": int(reserve.amount_minor * reserve.legs[0].coefficient),
            "lost": 0,
            "void": reserve.amount_minor,
        }[result]
    values: dict[str, Any] = {
        "bet_id": reserve.bet_id,
        "user_id": reserve.user_id,
        "result": result,
        "stake_minor": reserve.amount_minor,
        "payout_minor": payout_minor,
        "currency": reserve.currency,
        "legs": reserve.legs,
        "settled_at": datetime.now(UTC),
    }
    values.update(overrides)
    return BetSettled(**values)


async def bet_single(
    db: WalletDb, user: uuid.UUID, stake_minor: int, coefficient: str, result: str | None
) -> uuid.UUID:
    """A single through the saga handlers: reserved, placed, settled unless ``result`` is None."""
    reserve = make_reserve(user, stake_minor, legs=[make_leg(coefficient=Decimal(coefficient))])
    await handle(db, saga.on_reserve_stake, reserve)
    await handle(db, saga.on_bet_placed, make_placed(reserve))
    if result is not None:
        payout = {"won": int(stake_minor * Decimal(coefficient)), "lost": 0, "void": stake_minor}
        await handle(
            db, saga.on_bet_settled, make_settled(reserve, result, payout_minor=payout[result])
        )
    return reserve.bet_id


def make_cancelled(reserve: ReserveStake, **overrides: Any) -> BetCancelled:
    values: dict[str, Any] = {
        "bet_id": reserve.bet_id,
        "user_id": reserve.user_id,
        "reason": "bet.cancelled_by_user",
        "legs": reserve.legs,
    }
    values.update(overrides)
    return BetCancelled(**values)


def make_resettled(
    reserve: ReserveStake, old: str, new: str, delta_minor: int, version: int = 2, **overrides: Any
) -> BetResettled:
    values: dict[str, Any] = {
        "bet_id": reserve.bet_id,
        "user_id": reserve.user_id,
        "settlement_version": version,
        "old_result": old,
        "new_result": new,
        "payout_delta_minor": delta_minor,
        "currency": reserve.currency,
        "legs": reserve.legs,
        "resettled_at": datetime.now(UTC),
    }
    values.update(overrides)
    return BetResettled(**values)


# --- HTTP helpers ----------------------------------------------------------------------------

IBAN = "DE89 3704 0044 0532 0130 00"
WITHDRAW = "/api/wallet/withdraw"


def method_body(**overrides: Any) -> dict[str, Any]:
    body = {
        "withdrawal_type": "bank_transfer",
        "iban": IBAN,
        "swift_code": "COBADEFFXXX",
        "account_holder_name": "Ivan Petrov",
        "bank_name": "Commerzbank",
    }
    body.update(overrides)
    return body


async def add_method(api: Api, user: uuid.UUID, *, verify: bool = True) -> str:
    added = await api.post("/api/wallet/withdrawal-methods", user, method_body())
    assert added.status_code == 201, added.text
    method_id = str(added.json()["method"]["method_id"])
    if verify:
        verified = await api.admin_post(f"/api/wallet/admin/withdrawal-methods/{method_id}/verify")
        assert verified.status_code == 200, verified.text
    return method_id


async def ready_user(api: Api, db: WalletDb, balance_minor: int) -> tuple[uuid.UUID, str]:
    user = await make_wallet(db, balance_minor=balance_minor)
    return user, await add_method(api, user)
