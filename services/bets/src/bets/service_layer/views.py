"""Read side: one bet as the API shows it, a user's history and statistics, every user's bets
for the admin, and waiting for a pending bet to be decided.

Each query runs on a unit of work the route opened (``uow.db``, its legs through ``uow.bets``):
cosmicpython's views, plain SQL for reads, one object for every handler.
"""

from __future__ import annotations

import asyncio
import uuid
from datetime import datetime
from decimal import Decimal
from typing import Any

from sqlalchemy import ColumnElement, exists, func, select
from sqlalchemy.exc import TimeoutError as PoolTimeout
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from bets.adapters.decisions import Waiter
from bets.adapters.tables import bet, bet_leg
from bets.domain.bet import SETTLED, WON_OR_LOST, BetStatus
from bets.domain.errors import BetNotFound
from bets.domain.stats import SettledBet, bet_stats
from bets.service_layer.unit_of_work import BetsUnitOfWork
from common.logging import get_logger
from common.money import format_minor

log = get_logger(__name__)

# The seed's screens show results (a settled bet's, a resolved leg's) as win / loss / void.
_RESULT = {BetStatus.WON: "win", BetStatus.LOST: "loss", BetStatus.VOID: "void"}


def _coefficient(value: Decimal) -> str:
    """Two decimals unless the third one counts: ``2.100`` → ``"2.10"``, ``1.555`` stays."""
    two = value.quantize(Decimal("0.01"))
    return str(two if two == value else value)


def render_bet(row: Any, legs: list[Any]) -> dict[str, Any]:
    coefficient = _coefficient(Decimal(row.coefficient))
    return {
        "bet_id": str(row.id),
        "user_id": str(row.user_id),
        "bet_type": row.bet_type,
        "status": row.status,
        "bet_amount": format_minor(row.stake_minor),
        "currency": row.currency,
        # Staked with a free-bet unit: a win pays only the winnings (payout minus the stake).
        "free_bet": bool(row.free_bet),
        "coefficient": coefficient,
        "total_coefficient": coefficient,
        "potential_win": format_minor(row.potential_win_minor),
        "accept_odds_change": row.accept_odds_change,
        "reason": row.reason,
        "result": _RESULT.get(row.result) if row.result else None,
        "payout": None if row.payout_minor is None else format_minor(row.payout_minor),
        "created_at": row.created_at.isoformat(),
        "decided_at": row.decided_at.isoformat() if row.decided_at else None,
        "settled_at": row.settled_at.isoformat() if row.settled_at else None,
        "legs": [
            {
                "event_id": str(leg.event_id),
                "odds_id": str(leg.odds_id),
                "event_name": leg.event_name,
                "market": leg.market,
                "selection": leg.selection,
                "coefficient": _coefficient(Decimal(leg.coefficient)),
                "result": _RESULT.get(leg.outcome) if leg.outcome else None,
            }
            for leg in legs
        ],
    }


async def bet_view(uow: BetsUnitOfWork, bet_id: uuid.UUID, *, user_id: uuid.UUID) -> dict[str, Any]:
    """The user's own bet with its legs; another user's bet is not found."""
    row = (
        await uow.db.execute(select(bet).where(bet.c.id == bet_id, bet.c.user_id == user_id))
    ).one_or_none()
    if row is None:
        raise BetNotFound()
    return render_bet(row, await uow.bets.legs(bet_id))


# The API's ``result`` filter speaks the seed's words.
RESULT_FILTER = {seed: result for result, seed in _RESULT.items()}
# ``status`` filters naming several statuses (the seed's "all settled", as the wallet's history
# reads them): a bet is settled once won, lost or void (ARCHITECTURE §3); a cancelled bet was
# never settled (the user took it back before its events started), so it is not one of them.
STATUS_GROUPS = {"settled": SETTLED, "resolved": SETTLED}


def _filters(
    *,
    status: str | None,
    result: str | None,
    date_from: datetime | None,
    date_to: datetime | None,
) -> list[ColumnElement[bool]]:
    where: list[ColumnElement[bool]] = []
    if status in STATUS_GROUPS:
        where.append(bet.c.status.in_(STATUS_GROUPS[status]))
    elif status is not None:
        where.append(bet.c.status == status)
    if result is not None:
        where.append(bet.c.result == RESULT_FILTER[result])
    if date_from is not None:
        where.append(bet.c.created_at >= date_from)
    if date_to is not None:
        where.append(bet.c.created_at < date_to)
    return where


async def _page(
    uow: BetsUnitOfWork, where: list[ColumnElement[bool]], *, limit: int, offset: int
) -> tuple[list[dict[str, Any]], int]:
    """Bets matching ``where``, newest first, with their legs (three queries), and the total."""
    total = int(await uow.db.scalar(select(func.count()).select_from(bet).where(*where)) or 0)
    rows = (
        await uow.db.execute(
            select(bet)
            .where(*where)
            .order_by(bet.c.created_at.desc(), bet.c.id)
            .limit(limit)
            .offset(offset)
        )
    ).all()
    legs = await uow.bets.legs_by_bet([r.id for r in rows])
    return [render_bet(r, legs[r.id]) for r in rows], total


async def bet_history(
    uow: BetsUnitOfWork,
    *,
    user_id: uuid.UUID,
    status: str | None = None,
    result: str | None = None,
    date_from: datetime | None = None,
    date_to: datetime | None = None,
    limit: int = 20,
    offset: int = 0,
) -> tuple[list[dict[str, Any]], int]:
    """The user's bets, newest first, with their legs, and the total matching."""
    where = [
        bet.c.user_id == user_id,
        *_filters(status=status, result=result, date_from=date_from, date_to=date_to),
    ]
    return await _page(uow, where, limit=limit, offset=offset)


async def admin_bets(
    uow: BetsUnitOfWork,
    *,
    user_id: uuid.UUID | None = None,
    event_id: uuid.UUID | None = None,
    status: str | None = None,
    result: str | None = None,
    date_from: datetime | None = None,
    date_to: datetime | None = None,
    limit: int = 50,
    offset: int = 0,
) -> tuple[list[dict[str, Any]], int]:
    """Every user's bets with the same filters, plus by user and by event (any leg on it)."""
    where = _filters(status=status, result=result, date_from=date_from, date_to=date_to)
    if user_id is not None:
        where.append(bet.c.user_id == user_id)
    if event_id is not None:
        where.append(exists().where(bet_leg.c.bet_id == bet.c.id, bet_leg.c.event_id == event_id))
    return await _page(uow, where, limit=limit, offset=offset)


async def wait_until_decided(
    sessionmaker: async_sessionmaker[AsyncSession],
    waiter: Waiter | None,
    bet_id: uuid.UUID,
    *,
    user_id: uuid.UUID,
    timeout_s: float,
    seen: dict[str, Any] | None = None,
) -> dict[str, Any]:
    """The user's bet once it is no longer ``pending``, or as it is after ``timeout_s``.

    ``waiter`` was registered with the process's ``DecisionListener`` before ``seen`` was read
    (or before this reads it), so a decision committed in between still wakes it. Each read
    is a short pooled query; the wait itself holds no connection. No waiter (too many wait
    already): the bet as it is, at once. Once the bet is known, a busy pool on a later read
    answers the bet as last seen (pending) rather than fail a placement already committed.
    """
    view = seen if seen is not None else await _read_view(sessionmaker, bet_id, user_id)
    deadline = asyncio.get_running_loop().time() + timeout_s
    while (
        view["status"] == BetStatus.PENDING and waiter is not None and await waiter.woken(deadline)
    ):
        try:
            view = await _read_view(sessionmaker, bet_id, user_id)
        except PoolTimeout:
            log.warning("bets.decision_read_busy", bet_id=str(bet_id))
            break
    return view


async def _read_view(
    sessionmaker: async_sessionmaker[AsyncSession], bet_id: uuid.UUID, user_id: uuid.UUID
) -> dict[str, Any]:
    async with BetsUnitOfWork(sessionmaker) as uow:
        return await bet_view(uow, bet_id, user_id=user_id)


async def user_stats(uow: BetsUnitOfWork, *, user_id: uuid.UUID) -> dict[str, Any]:
    """The user's statistics over their bets settled won or lost."""
    rows = (
        await uow.db.execute(
            select(bet.c.result, bet.c.stake_minor, bet.c.payout_minor, bet.c.free_bet)
            .where(bet.c.user_id == user_id, bet.c.status.in_(WON_OR_LOST))
            .order_by(bet.c.settled_at, bet.c.id)
        )
    ).all()
    stats = bet_stats(
        [SettledBet(r.result, r.stake_minor, r.payout_minor, r.free_bet) for r in rows]
    )
    return {
        "total_bets": stats.total_bets,
        "wins": stats.wins,
        "losses": stats.losses,
        "win_rate": str(stats.win_rate),
        "total_bet": format_minor(stats.total_bet_minor),
        "total_won": format_minor(stats.total_won_minor),
        "net_profit": format_minor(stats.net_profit_minor),
        "roi_percent": str(stats.roi_percent),
        "average_stake": format_minor(stats.average_stake_minor),
        "biggest_win": format_minor(stats.biggest_win_minor),
        "biggest_loss": format_minor(stats.biggest_loss_minor),
        "current_streak": stats.current_streak,
        "longest_win_streak": stats.longest_win_streak,
        "longest_loss_streak": stats.longest_loss_streak,
        "free_bets": stats.free_bets,
        "free_bet_winnings": format_minor(stats.free_bet_winnings_minor),
    }
