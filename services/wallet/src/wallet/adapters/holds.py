"""Holds (TigerBeetle's pending transfers), stake rejections and release tombstones, by the set.

The only SQL on them: the batch path (``saga_batch.py``) and the one-at-a-time reference
(``saga.py``, with sets of one) go through ``Holds``. A batch of saga messages reads and writes
them with one statement each: the bets' advisory locks in one statement (sorted), the holds
locked ``FOR UPDATE`` sorted by bet id, new holds in one INSERT, finished or re-paid holds in one
UPDATE. Sorting is what keeps two parallel batches from deadlocking: every batch takes the same
kind of lock in the same order.
"""

from __future__ import annotations

import uuid
from collections.abc import Collection, Sequence
from dataclasses import dataclass
from typing import Any

from sqlalchemy import Row, Select, delete, select, text
from sqlalchemy.dialects.postgresql import insert
from sqlalchemy.ext.asyncio import AsyncSession

from wallet.adapters.saga_tables import release_tombstone
from wallet.adapters.tables import hold, stake_rejection
from wallet.domain.ledger import HoldStatus
from wallet.domain.payouts import PayoutCap


class HoldsChangedUnderneath(Exception):
    """A hold written by another transaction since this batch read them: roll back, retry."""


@dataclass
class HoldRow:
    id: uuid.UUID
    bet_id: uuid.UUID
    user_id: uuid.UUID
    amount_minor: int
    currency: str
    status: HoldStatus
    max_payout_minor: int | None = None  # the bet's potential win (None: an older command)
    paid_minor: int = 0  # what the bet has put back into available so far
    # Staked with a free-bet unit: nothing in held; ``paid_minor`` is the gross payout settled
    # (the cap's measure), of which only the winnings were paid.
    free_bet: bool = False

    def cap(self, max_payout_minor: int) -> PayoutCap:
        return PayoutCap(self.amount_minor, self.max_payout_minor, max_payout_minor)


@dataclass(frozen=True)
class Rejection:
    bet_id: uuid.UUID
    user_id: uuid.UUID
    amount_minor: int
    reason: str


@dataclass(frozen=True)
class Tombstone:
    bet_id: uuid.UUID
    user_id: uuid.UUID
    reason: str


def hold_columns() -> Select[Any]:
    return select(
        hold.c.id,
        hold.c.bet_id,
        hold.c.user_id,
        hold.c.amount_minor,
        hold.c.currency,
        hold.c.status,
        hold.c.max_payout_minor,
        hold.c.paid_minor,
        hold.c.free_bet,
    )


def to_hold(row: Row[Any]) -> HoldRow:
    return HoldRow(
        id=row.id,
        bet_id=row.bet_id,
        user_id=row.user_id,
        amount_minor=int(row.amount_minor),
        currency=row.currency,
        status=HoldStatus(row.status),
        max_payout_minor=None if row.max_payout_minor is None else int(row.max_payout_minor),
        paid_minor=int(row.paid_minor),
        free_bet=bool(row.free_bet),
    )


# One key per bet, whoever takes it: a reservation and a release of the bet decide in turn.
_LOCK_BETS = text(
    "SELECT pg_advisory_xact_lock(hashtext('wallet.bet'), k.key)"
    " FROM (SELECT DISTINCT hashtext(b) AS key FROM unnest(CAST(:bets AS text[])) AS b"
    " ORDER BY key) AS k"
)
_FINISH = text(
    """
    UPDATE wallet.hold AS h
    SET status = v.status,
        paid_minor = v.paid,
        finished_at = CASE WHEN h.status = 'pending' AND v.status <> 'pending'
                           THEN now() ELSE h.finished_at END
    FROM unnest(CAST(:ids AS uuid[]), CAST(:statuses AS text[]), CAST(:paid AS bigint[]))
         AS v(id, status, paid)
    WHERE h.id = v.id
    """
)


class Holds:
    """The holds repository of one open transaction, set-based."""

    def __init__(self, session: AsyncSession) -> None:
        self.session = session

    async def lock_bets(self, bet_ids: Collection[uuid.UUID]) -> None:
        """The bets' advisory locks (reservation vs release), in key order, one statement."""
        if bet_ids:
            await self.session.execute(_LOCK_BETS, {"bets": sorted(str(b) for b in bet_ids)})

    async def lock(self, bet_ids: Collection[uuid.UUID]) -> dict[uuid.UUID, HoldRow]:
        """The existing holds of these bets, locked in bet id order."""
        return await self._read(bet_ids, for_update=True)

    async def find(self, bet_ids: Collection[uuid.UUID]) -> dict[uuid.UUID, HoldRow]:
        """The existing holds of these bets, not locked (what a reader may see, no more)."""
        return await self._read(bet_ids, for_update=False)

    async def _read(
        self, bet_ids: Collection[uuid.UUID], *, for_update: bool
    ) -> dict[uuid.UUID, HoldRow]:
        if not bet_ids:
            return {}
        statement = hold_columns().where(hold.c.bet_id.in_(sorted(bet_ids))).order_by(hold.c.bet_id)
        rows = await self.session.execute(statement.with_for_update() if for_update else statement)
        return {row.bet_id: to_hold(row) for row in rows}

    async def rejections(self, bet_ids: Collection[uuid.UUID]) -> dict[uuid.UUID, str]:
        if not bet_ids:
            return {}
        rows = await self.session.execute(
            select(stake_rejection.c.bet_id, stake_rejection.c.reason).where(
                stake_rejection.c.bet_id.in_(list(bet_ids))
            )
        )
        return {row.bet_id: str(row.reason) for row in rows}

    async def tombstones(self, bet_ids: Collection[uuid.UUID]) -> set[uuid.UUID]:
        if not bet_ids:
            return set()
        found = await self.session.scalars(
            select(release_tombstone.c.bet_id).where(release_tombstone.c.bet_id.in_(list(bet_ids)))
        )
        return set(found)

    async def add(self, holds: Sequence[HoldRow]) -> None:
        """New holds in one INSERT, each already in its state at the end of the batch."""
        if not holds:
            return
        inserted = await self._insert(holds)
        if len(inserted) != len(holds):  # a single-message reservation got there in between
            raise HoldsChangedUnderneath(f"{len(holds) - len(inserted)} holds exist already")

    async def claim(self, new: HoldRow) -> bool:
        """Insert one bet's hold unless it has one (True: inserted; the hold is the bet's lock:
        a concurrent duplicate waits on its unique key)."""
        return bool(await self._insert([new]))

    async def _insert(self, holds: Sequence[HoldRow]) -> list[uuid.UUID]:
        statement = (
            insert(hold)
            .values([_hold_values(h) for h in holds])
            .on_conflict_do_nothing(index_elements=["bet_id"])
            .returning(hold.c.id)
        )
        return list(await self.session.scalars(statement))

    async def remove(self, hold_id: uuid.UUID) -> None:
        """Take back a hold claimed in this transaction (its reservation was rejected)."""
        await self.session.execute(delete(hold).where(hold.c.id == hold_id))

    async def update(self, holds: Sequence[HoldRow]) -> None:
        """Existing holds to their new status and paid total, one UPDATE."""
        if not holds:
            return
        await self.session.execute(
            _FINISH,
            {
                "ids": [h.id for h in holds],
                "statuses": [h.status.value for h in holds],
                "paid": [h.paid_minor for h in holds],
            },
        )

    async def reject(self, rejections: Sequence[Rejection]) -> set[uuid.UUID]:
        """Record the rejections not recorded before; the bets recorded now (audited once)."""
        if not rejections:
            return set()
        recorded = await self.session.scalars(
            insert(stake_rejection)
            .values(
                [
                    {
                        "bet_id": r.bet_id,
                        "user_id": r.user_id,
                        "amount_minor": r.amount_minor,
                        "reason": r.reason,
                    }
                    for r in rejections
                ]
            )
            .on_conflict_do_nothing(index_elements=["bet_id"])
            .returning(stake_rejection.c.bet_id)
        )
        return set(recorded)

    async def bury(self, tombstones: Sequence[Tombstone]) -> None:
        if tombstones:
            await self.session.execute(
                insert(release_tombstone)
                .values(
                    [
                        {"bet_id": t.bet_id, "user_id": t.user_id, "reason": t.reason}
                        for t in tombstones
                    ]
                )
                .on_conflict_do_nothing(index_elements=["bet_id"])
            )


def _hold_values(h: HoldRow) -> dict[str, Any]:
    """A new hold's row, already in its state at the end of the batch."""
    return {
        "id": h.id,
        "bet_id": h.bet_id,
        "user_id": h.user_id,
        "amount_minor": h.amount_minor,
        "currency": h.currency,
        "status": h.status.value,
        "max_payout_minor": h.max_payout_minor,
        "paid_minor": h.paid_minor,
        "free_bet": h.free_bet,
        "finished_at": None if h.status is HoldStatus.pending else text("now()"),
    }
