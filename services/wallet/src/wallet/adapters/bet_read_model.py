"""The ``bet`` read model: the user's bets as the bet messages tell them (history and stats).

Messages may arrive in any order; each write is an upsert that never moves a bet backwards:
``BetPlaced`` fills the details but keeps a final status, ``BetSettled`` (settlement version 1)
never overwrites a resettled bet, ``BetResettled`` applies its result only if its version is newer
and adds its payout delta exactly when its correcting transfer is posted, ``BetCancelled`` only
closes an open bet. A write that would change nothing writes nothing (no new row version): a
``BetPlaced`` whose details are there already, a ``BetCancelled`` of a bet no longer open.
The ``*_many`` forms write a batch's bets in one upsert per 1 000 (a bet named twice in one
call counts as the one-at-a-time order would leave it).
"""

from __future__ import annotations

import uuid
from collections.abc import Awaitable, Callable
from datetime import datetime
from decimal import Decimal
from typing import Any

from sqlalchemy import case, func, literal, select, tuple_, update
from sqlalchemy.dialects.postgresql import insert
from sqlalchemy.ext.asyncio import AsyncSession

from common.contracts import Outcome
from common.contracts.bets import BetLeg
from wallet.adapters.tables import bet

RESULT_OF: dict[Outcome, str] = {"won": "win", "lost": "loss", "void": "void"}
FINAL = ("won", "lost", "void", "cancelled")
_CHUNK = 1_000  # rows per statement: PostgreSQL takes at most 32 767 parameters
# What BetPlaced tells that no other message does (it never touches the status).
_PLACED_DETAILS = (
    "bet_type",
    "stake_minor",
    "coefficient",
    "potential_win_minor",
    "legs",
    "placed_at",
)


def legs_json(legs: list[BetLeg]) -> list[dict[str, Any]]:
    return [leg.model_dump(mode="json") for leg in legs]


async def record_placed(
    session: AsyncSession,
    *,
    bet_id: uuid.UUID,
    user_id: uuid.UUID,
    bet_type: str,
    stake_minor: int,
    currency: str,
    coefficient: Decimal,
    potential_win_minor: int,
    legs: list[BetLeg],
    placed_at: datetime,
) -> None:
    await record_placed_many(
        session,
        [
            {
                "bet_id": bet_id,
                "user_id": user_id,
                "bet_type": bet_type,
                "stake_minor": stake_minor,
                "currency": currency,
                "coefficient": coefficient,
                "potential_win_minor": potential_win_minor,
                "legs": legs,
                "placed_at": placed_at,
            }
        ],
    )


def _first_per_bet(rows: list[dict[str, Any]]) -> list[dict[str, Any]]:
    first: dict[uuid.UUID, dict[str, Any]] = {}
    for row in rows:
        first.setdefault(row["bet_id"], row)
    return list(first.values())


async def _in_chunks(
    session: AsyncSession,
    rows: list[dict[str, Any]],
    upsert: Callable[[AsyncSession, list[dict[str, Any]]], Awaitable[None]],
) -> None:
    for start in range(0, len(rows), _CHUNK):
        await upsert(session, rows[start : start + _CHUNK])


async def record_placed_many(session: AsyncSession, placed: list[dict[str, Any]]) -> None:
    """``record_placed`` for many bets (keyword arguments of it, one dict each).

    A bet named twice keeps its last: one after the other, the second would overwrite the first.
    """
    last = {p["bet_id"]: p for p in placed}
    await _in_chunks(session, list(last.values()), _upsert_placed)


async def _upsert_placed(session: AsyncSession, chunk: list[dict[str, Any]]) -> None:
    statement = insert(bet).values(
        [
            {
                "bet_id": p["bet_id"],
                "user_id": p["user_id"],
                "bet_type": p["bet_type"],
                "stake_minor": p["stake_minor"],
                "currency": p["currency"],
                "coefficient": p["coefficient"],
                "potential_win_minor": p["potential_win_minor"],
                "status": "open",
                "legs": legs_json(p["legs"]),
                "placed_at": p["placed_at"],
            }
            for p in chunk
        ]
    )
    written = tuple_(*(bet.c[name] for name in _PLACED_DETAILS))
    told = tuple_(*(statement.excluded[name] for name in _PLACED_DETAILS))
    await session.execute(
        statement.on_conflict_do_update(
            index_elements=["bet_id"],
            set_={
                **{name: statement.excluded[name] for name in _PLACED_DETAILS},
                "updated_at": func.now(),
            },
            # The same BetPlaced again (a redelivery under a new event id) writes nothing.
            where=written.is_distinct_from(told),
        )
    )


async def record_settled(
    session: AsyncSession,
    *,
    bet_id: uuid.UUID,
    user_id: uuid.UUID,
    result: Outcome,
    stake_minor: int,
    payout_minor: int,
    currency: str,
    legs: list[BetLeg],
    settled_at: datetime,
) -> None:
    await _upsert_settled(
        session,
        [
            {
                "bet_id": bet_id,
                "user_id": user_id,
                "result": result,
                "stake_minor": stake_minor,
                "payout_minor": payout_minor,
                "currency": currency,
                "legs": legs,
                "settled_at": settled_at,
            }
        ],
    )


async def record_settled_many(session: AsyncSession, settled: list[dict[str, Any]]) -> None:
    """``record_settled`` for many bets in one upsert (keyword arguments of it, one dict each).

    A bet named twice keeps its first: the second would change nothing (version 1 is set).
    """
    await _in_chunks(session, _first_per_bet(settled), _upsert_settled)


async def _upsert_settled(session: AsyncSession, chunk: list[dict[str, Any]]) -> None:
    statement = insert(bet).values(
        [
            {
                "bet_id": s["bet_id"],
                "user_id": s["user_id"],
                "bet_type": "coupon" if len(s["legs"]) > 1 else "single",
                "stake_minor": s["stake_minor"],
                "currency": s["currency"],
                "status": s["result"],
                "result": RESULT_OF[s["result"]],
                "payout_minor": s["payout_minor"],
                "legs": legs_json(s["legs"]),
                "settled_at": s["settled_at"],
                "settlement_version": 1,
            }
            for s in chunk
        ]
    )
    await session.execute(
        statement.on_conflict_do_update(
            index_elements=["bet_id"],
            set_={
                "status": statement.excluded.status,
                "result": statement.excluded.result,
                "payout_minor": statement.excluded.payout_minor,
                "settled_at": statement.excluded.settled_at,
                "settlement_version": 1,
                "updated_at": func.now(),
            },
            where=bet.c.settlement_version < 1,
        )
    )


async def record_cancelled(
    session: AsyncSession,
    *,
    bet_id: uuid.UUID,
    user_id: uuid.UUID,
    reason: str,
    currency: str,
    legs: list[BetLeg],
    stake_minor: int,
) -> None:
    """``stake_minor``: the bet's hold (0 if none yet) in case BetPlaced has not arrived yet."""
    await record_cancelled_many(
        session,
        [
            {
                "bet_id": bet_id,
                "user_id": user_id,
                "reason": reason,
                "currency": currency,
                "legs": legs,
                "stake_minor": stake_minor,
            }
        ],
    )


async def record_cancelled_many(session: AsyncSession, cancelled: list[dict[str, Any]]) -> None:
    """``record_cancelled`` for many bets (keyword arguments of it, one dict each).

    A bet named twice keeps its first: the second would find it cancelled already.
    """
    await _in_chunks(session, _first_per_bet(cancelled), _upsert_cancelled)


async def _upsert_cancelled(session: AsyncSession, chunk: list[dict[str, Any]]) -> None:
    statement = insert(bet).values(
        [
            {
                "bet_id": c["bet_id"],
                "user_id": c["user_id"],
                "bet_type": "coupon" if len(c["legs"]) > 1 else "single",
                "stake_minor": c["stake_minor"],
                "currency": c["currency"],
                "status": "cancelled",
                "legs": legs_json(c["legs"]),
                "cancel_reason": c["reason"],
            }
            for c in chunk
        ]
    )
    await session.execute(
        statement.on_conflict_do_update(
            index_elements=["bet_id"],
            set_={
                "status": "cancelled",
                "cancel_reason": statement.excluded.cancel_reason,
                "updated_at": func.now(),
            },
            # A settled bet stays settled (a cancel can only follow an open bet); a cancelled
            # one is not written again.
            where=bet.c.status == "open",
        )
    )


async def settlement_version(session: AsyncSession, bet_id: uuid.UUID) -> int | None:
    """The bet's settlement version applied here (None: the read model has no such bet)."""
    found = await session.scalar(select(bet.c.settlement_version).where(bet.c.bet_id == bet_id))
    return None if found is None else int(found)


async def record_resettled(
    session: AsyncSession,
    *,
    bet_id: uuid.UUID,
    settlement_version: int,
    new_result: Outcome,
    payout_delta_minor: int,
    settled_at: datetime,
) -> None:
    newer = bet.c.settlement_version < settlement_version
    await session.execute(
        update(bet)
        .where(bet.c.bet_id == bet_id)
        .values(
            payout_minor=func.coalesce(bet.c.payout_minor, 0) + payout_delta_minor,
            status=case((newer, literal(new_result)), else_=bet.c.status),
            result=case((newer, literal(RESULT_OF[new_result])), else_=bet.c.result),
            settled_at=case((newer, literal(settled_at)), else_=bet.c.settled_at),
            settlement_version=func.greatest(bet.c.settlement_version, settlement_version),
            updated_at=func.now(),
        )
    )
