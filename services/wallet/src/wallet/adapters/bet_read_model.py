"""The ``bet`` read model: the user's bets as the bet messages tell them (history and stats).

Messages may arrive in any order; each write is an upsert that never moves a bet backwards:
``BetPlaced`` fills the details but keeps a final status, ``BetSettled`` (settlement version 1)
never overwrites a resettled bet, ``BetResettled`` applies its result only if its version is newer
and adds its payout delta exactly when its correcting transfer is posted, ``BetCancelled`` only
closes an open bet. A write that would change nothing writes nothing (no new row version): a
``BetPlaced`` whose details are there already, a ``BetCancelled`` of a bet no longer open.
The ``record_*_many`` writes take a batch's bets, one upsert per 1 000 (a bet named twice in
one call counts as the one-at-a-time order would leave it); a single message is a list of one.
"""

from __future__ import annotations

import json
import uuid
from collections.abc import Awaitable, Callable
from datetime import datetime
from typing import Any

from sqlalchemy import case, func, literal, select, text, update
from sqlalchemy.ext.asyncio import AsyncSession

from common.contracts import Outcome
from common.contracts.bets import BetLeg
from wallet.adapters.tables import bet

RESULT_OF: dict[Outcome, str] = {"won": "win", "lost": "loss", "void": "void"}
FINAL = ("won", "lost", "void", "cancelled")
_CHUNK = 1_000  # rows per statement: a bounded statement, whatever the batch


def legs_json(legs: list[BetLeg]) -> list[dict[str, Any]]:
    return [leg.model_dump(mode="json") for leg in legs]


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
    """BetPlaced's details, one dict per bet: ``bet_id``, ``user_id``, ``bet_type``,
    ``stake_minor``, ``currency``, ``coefficient``, ``potential_win_minor``, ``legs``,
    ``placed_at`` (``saga.placed_values``).

    A bet named twice keeps its last: one after the other, the second would overwrite the first.
    """
    last = {p["bet_id"]: p for p in placed}
    await _in_chunks(session, list(last.values()), _upsert_placed)


async def _upsert_placed(session: AsyncSession, chunk: list[dict[str, Any]]) -> None:
    await session.execute(
        _UPSERT_PLACED,
        _columns(
            chunk,
            bet_id=lambda p: p["bet_id"],
            user_id=lambda p: p["user_id"],
            bet_type=lambda p: p["bet_type"],
            stake_minor=lambda p: p["stake_minor"],
            currency=lambda p: p["currency"],
            coefficient=lambda p: p["coefficient"],
            potential_win_minor=lambda p: p["potential_win_minor"],
            legs=lambda p: json.dumps(legs_json(p["legs"])),
            placed_at=lambda p: p["placed_at"],
            free_bet=lambda p: p.get("free_bet", False),
        ),
    )


async def record_settled_many(session: AsyncSession, settled: list[dict[str, Any]]) -> None:
    """BetSettled's outcome, one dict per bet: ``bet_id``, ``user_id``, ``result``,
    ``stake_minor``, ``payout_minor``, ``currency``, ``legs``, ``settled_at``
    (``saga.settled_values``).

    A bet named twice keeps its first: the second would change nothing (version 1 is set).
    """
    await _in_chunks(session, _first_per_bet(settled), _upsert_settled)


async def _upsert_settled(session: AsyncSession, chunk: list[dict[str, Any]]) -> None:
    await session.execute(
        _UPSERT_SETTLED,
        {
            **_bet_columns(chunk),
            **_columns(
                chunk,
                status=lambda s: s["result"],
                result=lambda s: RESULT_OF[s["result"]],
                payout_minor=lambda s: s["payout_minor"],
                settled_at=lambda s: s["settled_at"],
            ),
        },
    )


async def record_cancelled_many(session: AsyncSession, cancelled: list[dict[str, Any]]) -> None:
    """BetCancelled, one dict per bet: ``bet_id``, ``user_id``, ``reason``, ``currency``,
    ``legs`` and ``stake_minor`` — the bet's hold (0 if none yet), kept in case BetPlaced has not
    arrived yet (``saga.cancelled_values``).

    A bet named twice keeps its first: the second would find it cancelled already.
    """
    await _in_chunks(session, _first_per_bet(cancelled), _upsert_cancelled)


async def _upsert_cancelled(session: AsyncSession, chunk: list[dict[str, Any]]) -> None:
    await session.execute(
        _UPSERT_CANCELLED,
        {**_bet_columns(chunk), **_columns(chunk, reason=lambda c: c["reason"])},
    )


def _bet_columns(rows: list[dict[str, Any]]) -> dict[str, Any]:
    """The bet itself, as a settlement or cancellation names it: it may arrive before BetPlaced,
    so its type comes from its legs."""
    return _columns(
        rows,
        bet_id=lambda b: b["bet_id"],
        user_id=lambda b: b["user_id"],
        bet_type=lambda b: "coupon" if len(b["legs"]) > 1 else "single",
        stake_minor=lambda b: b["stake_minor"],
        currency=lambda b: b["currency"],
        legs=lambda b: json.dumps(legs_json(b["legs"])),
    )


def _columns(
    rows: list[dict[str, Any]], **column: Callable[[dict[str, Any]], Any]
) -> dict[str, Any]:
    """One array per column, for the ``unnest`` statements below."""
    return {name: [value(row) for row in rows] for name, value in column.items()}


# Written by the set as arrays (``unnest``): one SQL text, compiled and prepared once. A
# multi-row VALUES list was a new statement for every batch size, and compiling its thousands
# of parameters was a quarter of the wallet's CPU while it paid a settlement (py-spy).
_UPSERT_PLACED = text(
    """
    INSERT INTO wallet.bet AS b
        (bet_id, user_id, bet_type, stake_minor, currency, coefficient, potential_win_minor,
         status, legs, placed_at, free_bet)
    SELECT v.bet_id, v.user_id, v.bet_type, v.stake_minor, v.currency, v.coefficient,
           v.potential_win_minor, 'open', CAST(v.legs AS jsonb), v.placed_at, v.free_bet
    FROM unnest(CAST(:bet_id AS uuid[]), CAST(:user_id AS uuid[]), CAST(:bet_type AS text[]),
                CAST(:stake_minor AS bigint[]), CAST(:currency AS text[]),
                CAST(:coefficient AS numeric[]), CAST(:potential_win_minor AS bigint[]),
                CAST(:legs AS text[]), CAST(:placed_at AS timestamptz[]),
                CAST(:free_bet AS boolean[]))
         AS v(bet_id, user_id, bet_type, stake_minor, currency, coefficient,
              potential_win_minor, legs, placed_at, free_bet)
    -- What BetPlaced tells that no other message does (it never touches the status).
    ON CONFLICT (bet_id) DO UPDATE SET
        bet_type = excluded.bet_type, stake_minor = excluded.stake_minor,
        coefficient = excluded.coefficient, potential_win_minor = excluded.potential_win_minor,
        legs = excluded.legs, placed_at = excluded.placed_at, free_bet = excluded.free_bet,
        updated_at = now()
    -- The same BetPlaced again (a redelivery under a new event id) writes nothing.
    WHERE (b.bet_type, b.stake_minor, b.coefficient, b.potential_win_minor, b.legs, b.placed_at,
           b.free_bet)
          IS DISTINCT FROM
          (excluded.bet_type, excluded.stake_minor, excluded.coefficient,
           excluded.potential_win_minor, excluded.legs, excluded.placed_at, excluded.free_bet)
    """
)
_UPSERT_SETTLED = text(
    """
    INSERT INTO wallet.bet AS b
        (bet_id, user_id, bet_type, stake_minor, currency, status, result, payout_minor, legs,
         settled_at, settlement_version)
    SELECT v.bet_id, v.user_id, v.bet_type, v.stake_minor, v.currency, v.status, v.result,
           v.payout_minor, CAST(v.legs AS jsonb), v.settled_at, 1
    FROM unnest(CAST(:bet_id AS uuid[]), CAST(:user_id AS uuid[]), CAST(:bet_type AS text[]),
                CAST(:stake_minor AS bigint[]), CAST(:currency AS text[]),
                CAST(:status AS text[]), CAST(:result AS text[]),
                CAST(:payout_minor AS bigint[]), CAST(:legs AS text[]),
                CAST(:settled_at AS timestamptz[]))
         AS v(bet_id, user_id, bet_type, stake_minor, currency, status, result, payout_minor,
              legs, settled_at)
    ON CONFLICT (bet_id) DO UPDATE SET
        status = excluded.status, result = excluded.result,
        payout_minor = excluded.payout_minor, settled_at = excluded.settled_at,
        settlement_version = 1, updated_at = now()
    WHERE b.settlement_version < 1
    """
)
_UPSERT_CANCELLED = text(
    """
    INSERT INTO wallet.bet AS b
        (bet_id, user_id, bet_type, stake_minor, currency, status, legs, cancel_reason)
    SELECT v.bet_id, v.user_id, v.bet_type, v.stake_minor, v.currency, 'cancelled',
           CAST(v.legs AS jsonb), v.reason
    FROM unnest(CAST(:bet_id AS uuid[]), CAST(:user_id AS uuid[]), CAST(:bet_type AS text[]),
                CAST(:stake_minor AS bigint[]), CAST(:currency AS text[]),
                CAST(:legs AS text[]), CAST(:reason AS text[]))
         AS v(bet_id, user_id, bet_type, stake_minor, currency, legs, reason)
    ON CONFLICT (bet_id) DO UPDATE SET
        status = 'cancelled', cancel_reason = excluded.cancel_reason, updated_at = now()
    -- A settled bet stays settled (a cancel can only follow an open bet); a cancelled one is
    -- not written again.
    WHERE b.status = 'open'
    """
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
