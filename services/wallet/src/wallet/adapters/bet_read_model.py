"""The ``bet`` read model: the user's bets as the bet messages tell them (history and stats).

Messages may arrive in any order; each write is an upsert that never moves a bet backwards:
``BetPlaced`` fills the details but keeps a final status, ``BetSettled`` (settlement version 1)
never overwrites a resettled bet, ``BetResettled`` applies its result only if its version is newer
and adds its payout delta exactly when its correcting transfer is posted.
"""

from __future__ import annotations

import uuid
from datetime import datetime
from decimal import Decimal
from typing import Any

from sqlalchemy import case, func, literal, select, update
from sqlalchemy.dialects.postgresql import insert
from sqlalchemy.ext.asyncio import AsyncSession

from common.contracts import Outcome
from common.contracts.bets import BetLeg
from wallet.adapters.tables import bet, hold

RESULT_OF: dict[Outcome, str] = {"won": "win", "lost": "loss", "void": "void"}
FINAL = ("won", "lost", "void", "cancelled")


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
    statement = insert(bet).values(
        bet_id=bet_id,
        user_id=user_id,
        bet_type=bet_type,
        stake_minor=stake_minor,
        currency=currency,
        coefficient=coefficient,
        potential_win_minor=potential_win_minor,
        status="open",
        legs=legs_json(legs),
        placed_at=placed_at,
    )
    await session.execute(
        statement.on_conflict_do_update(
            index_elements=["bet_id"],
            set_={
                "bet_type": statement.excluded.bet_type,
                "stake_minor": statement.excluded.stake_minor,
                "coefficient": statement.excluded.coefficient,
                "potential_win_minor": statement.excluded.potential_win_minor,
                "legs": statement.excluded.legs,
                "placed_at": statement.excluded.placed_at,
                "updated_at": func.now(),
            },
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
    first: dict[uuid.UUID, dict[str, Any]] = {}
    for s in settled:
        first.setdefault(s["bet_id"], s)
    rows = list(first.values())
    for start in range(0, len(rows), 1_000):  # PostgreSQL takes at most 32 767 parameters
        await _upsert_settled(session, rows[start : start + 1_000])


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
) -> None:
    # The stake is known from the hold if BetPlaced has not arrived yet.
    stake = select(
        func.coalesce(
            select(hold.c.amount_minor).where(hold.c.bet_id == bet_id).scalar_subquery(), 0
        )
    ).scalar_subquery()
    statement = insert(bet).values(
        bet_id=bet_id,
        user_id=user_id,
        bet_type="coupon" if len(legs) > 1 else "single",
        stake_minor=stake,
        currency=currency,
        status="cancelled",
        legs=legs_json(legs),
        cancel_reason=reason,
    )
    await session.execute(
        statement.on_conflict_do_update(
            index_elements=["bet_id"],
            set_={"status": "cancelled", "cancel_reason": reason, "updated_at": func.now()},
            # A settled bet stays settled (a cancel can only follow an open bet).
            where=bet.c.status == "open",
        )
    )


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
