"""Repositories over the ``bets`` tables: the SQL of placement, the saga, the watchdog,
cancellation and settlement, each a method inside the caller's transaction (same statements,
same locks).

- ``BetRepository``: bets and their legs — insert, lock, move a status, read the legs, resolve
  the legs on an event and write settled bets;
- ``EventReadModel``: the bets service's copy of events, markets and odds (what offers check),
  written from the events service's messages (every upsert idempotent, in any arrival order).
"""

from __future__ import annotations

import uuid
from collections.abc import Iterable, Mapping, Sequence
from datetime import datetime
from typing import Any

from sqlalchemy import Result, Row, Text, bindparam, column, func, select, text, update, values
from sqlalchemy.dialects.postgresql import UUID, insert
from sqlalchemy.ext.asyncio import AsyncSession

from bets.adapters.decisions import DECIDED_CHANNEL
from bets.adapters.tables import bet, bet_leg, event, market, selection
from bets.domain.bet import EVENT_CANCELLED, BetStatus, LegClock
from bets.domain.watchdog import WatchdogPolicy

# The new outcome of a leg: its selection's in the result, void if missing. A correlated lookup
# in the (small) outcome list, so the plan stays one pass over the event's legs whatever the
# table statistics say.
_NEW_OUTCOME = """coalesce(
    (SELECT o.outcome
       FROM unnest(CAST(:odds_ids AS uuid[]), CAST(:outcomes AS text[])) AS o(odds_id, outcome)
      WHERE o.odds_id = l.odds_id),
    CAST(:missing_outcome AS text))"""

_RESOLVE_LEGS = """
    UPDATE bets.bet_leg AS l
       SET outcome = {new_outcome}
      FROM bets.bet AS b
     WHERE b.id = l.bet_id
       AND l.event_id = :event_id
       AND b.status = ANY(CAST(:statuses AS text[]))
       AND l.outcome IS DISTINCT FROM {new_outcome}
       {only_unresolved}
    {returning}
"""


class BetRepository:
    def __init__(self, db: AsyncSession) -> None:
        self.db = db

    # --- placement ---------------------------------------------------------------------------

    async def add(self, row: dict[str, Any], legs: list[dict[str, Any]]) -> None:
        """Insert a bet and its legs (``legs`` carry the bet's id and their position)."""
        await self.db.execute(bet.insert().values(**row))
        await self.db.execute(bet_leg.insert(), legs)

    # --- locking -----------------------------------------------------------------------------

    async def lock(self, bet_ids: Sequence[uuid.UUID]) -> dict[uuid.UUID, Row[Any]]:
        """These bets locked ``FOR UPDATE`` in id order (the lock order every batch shares)."""
        locked = await self.db.execute(
            select(bet).where(bet.c.id.in_(sorted(bet_ids))).order_by(bet.c.id).with_for_update()
        )
        return {row.id: row for row in locked}

    async def lock_users_bet(self, bet_id: uuid.UUID, user_id: uuid.UUID) -> Row[Any] | None:
        """The user's own bet locked ``FOR UPDATE``; another user's bet is None."""
        return (
            await self.db.execute(
                select(bet).where(bet.c.id == bet_id, bet.c.user_id == user_id).with_for_update()
            )
        ).one_or_none()

    async def lock_overdue_pending(self, policy: WatchdogPolicy, now: datetime) -> list[Row[Any]]:
        """Up to a batch of bets pending ``policy.timeout`` since their last ``ReserveStake``,
        oldest first, locked ``SKIP LOCKED`` (a reply being handled keeps its bet)."""
        last_sent = func.coalesce(bet.c.reserve_sent_at, bet.c.created_at)
        return list(
            (
                await self.db.execute(
                    select(bet)
                    .where(bet.c.status == BetStatus.PENDING, last_sent <= now - policy.timeout)
                    .order_by(bet.c.created_at)
                    .limit(policy.batch_size)
                    .with_for_update(skip_locked=True)
                )
            ).all()
        )

    # --- legs --------------------------------------------------------------------------------

    async def legs_by_bet(self, bet_ids: Sequence[uuid.UUID]) -> dict[uuid.UUID, list[Row[Any]]]:
        """Each bet's legs in their order, for many bets in one query."""
        found: dict[uuid.UUID, list[Row[Any]]] = {b: [] for b in bet_ids}
        if not found:
            return found
        for leg in await self.db.execute(
            select(bet_leg)
            .where(bet_leg.c.bet_id.in_(list(found)))
            .order_by(bet_leg.c.bet_id, bet_leg.c.position)
        ):
            found[leg.bet_id].append(leg)
        return found

    async def legs(self, bet_id: uuid.UUID) -> list[Row[Any]]:
        return (await self.legs_by_bet([bet_id]))[bet_id]

    async def leg_clocks(self, bet_id: uuid.UUID) -> list[LegClock]:
        """The bet's legs, in order, with their events as the read model has them (a leg whose
        event the read model has never seen has nothing to say)."""
        rows = await self.db.execute(
            select(event.c.id, event.c.status, event.c.starts_at, bet_leg.c.outcome)
            .join(bet_leg, bet_leg.c.event_id == event.c.id)
            .where(bet_leg.c.bet_id == bet_id)
            .order_by(bet_leg.c.position)
        )
        return [LegClock(r.id, r.status, r.starts_at, r.outcome) for r in rows]

    # --- status moves ------------------------------------------------------------------------

    async def open(self, bet_ids: Sequence[uuid.UUID], decided_at: datetime) -> None:
        if bet_ids:
            await self.db.execute(
                update(bet)
                .where(bet.c.id.in_(bet_ids))
                .values(status=BetStatus.OPEN, decided_at=decided_at)
            )

    async def reject(self, decided: Sequence[tuple[uuid.UUID, str]]) -> None:
        """Reject each ``(bet id, reason)`` in one UPDATE, decided at the transaction's time."""
        if not decided:
            return
        reasons = values(
            column("id", UUID(as_uuid=True)), column("reason", Text), name="decided"
        ).data(list(decided))
        await self.db.execute(
            update(bet)
            .where(bet.c.id == reasons.c.id)
            .values(status=BetStatus.REJECTED, reason=reasons.c.reason, decided_at=func.now())
        )

    async def reject_all(self, bet_ids: Sequence[uuid.UUID], reason: str, now: datetime) -> None:
        """Reject these bets for one reason, decided at ``now``."""
        await self.db.execute(
            update(bet)
            .where(bet.c.id.in_(list(bet_ids)))
            .values(status=BetStatus.REJECTED, reason=reason, decided_at=now)
        )

    async def cancel(self, bet_id: uuid.UUID, now: datetime) -> None:
        await self.db.execute(
            update(bet).where(bet.c.id == bet_id).values(status=BetStatus.CANCELLED, settled_at=now)
        )

    async def reserve_sent_again(self, bet_ids: Sequence[uuid.UUID], now: datetime) -> None:
        """Count one more ``ReserveStake`` sent at ``now`` for each of these bets."""
        await self.db.execute(
            update(bet)
            .where(bet.c.id == bindparam("b_id"))
            .values(reserve_attempts=bet.c.reserve_attempts + 1, reserve_sent_at=now),
            [{"b_id": b} for b in bet_ids],
        )

    async def notify_decided(self, bet_ids: Sequence[uuid.UUID]) -> None:
        """Wake whoever waits for any of these bets, once the transaction commits (one
        statement)."""
        if not bet_ids:
            return
        await self.db.execute(
            text("SELECT pg_notify(:channel, id) FROM unnest(CAST(:bet_ids AS text[])) AS id"),
            {"channel": DECIDED_CHANNEL, "bet_ids": [str(b) for b in bet_ids]},
        )

    # --- settlement (set-based: an event may carry tens of thousands of bets) ----------------

    async def ids_on_event(self, event_id: uuid.UUID) -> list[uuid.UUID]:
        """Ids of the bets with a leg on the event, from its legs' index alone (no join: the
        work grows with the event's bets, whatever the table statistics say after a burst)."""
        return list(
            (
                await self.db.scalars(
                    select(bet_leg.c.bet_id)
                    .where(bet_leg.c.event_id == event_id)
                    .order_by(bet_leg.c.bet_id)
                )
            ).all()
        )

    async def lock_coupons_on_event(self, event_id: uuid.UUID) -> None:
        """Lock the coupons with a leg on the event, in id order, before their legs are touched.

        Singles need no lock here: their one leg is on this event, whose messages are serialized
        by the event row (``EventReadModel.claim_settlement_version``)."""
        bet_ids = await self.ids_on_event(event_id)
        if not bet_ids:
            return
        # One array parameter: an event may carry tens of thousands of bets.
        await self.db.execute(
            text(
                "SELECT id FROM bets.bet WHERE id = ANY(CAST(:ids AS uuid[]))"
                " AND bet_type = 'coupon' ORDER BY id FOR UPDATE"
            ),
            {"ids": bet_ids},
        )

    async def resolve_legs(
        self,
        event_id: uuid.UUID,
        outcomes: Mapping[uuid.UUID, str],
        *,
        statuses: tuple[BetStatus, ...] = (BetStatus.OPEN,),
        only_unresolved: bool = False,
        returning: bool = False,
    ) -> set[uuid.UUID]:
        """One UPDATE: the legs on the event of bets in ``statuses`` take their outcome (a
        selection missing from the result is void); only legs whose outcome changes are written.
        With ``returning``, the ids of the bets whose legs changed."""
        sql = _RESOLVE_LEGS.format(
            new_outcome=_NEW_OUTCOME,
            only_unresolved="AND l.outcome IS NULL" if only_unresolved else "",
            returning="RETURNING l.bet_id" if returning else "",
        )
        result = await self.db.execute(
            text(sql),
            {
                "event_id": event_id,
                "odds_ids": list(outcomes),
                "outcomes": list(outcomes.values()),
                "statuses": list(statuses),
                "missing_outcome": BetStatus.VOID,
            },
        )
        return {row.bet_id for row in result} if returning else set()

    async def lock_in_status(
        self, bet_ids: Sequence[uuid.UUID], statuses: Iterable[str]
    ) -> list[Row[Any]]:
        """Those of these bets still in ``statuses``, locked ``FOR UPDATE`` in id order."""
        return list(
            (
                await self.db.execute(
                    select(bet)
                    .where(bet.c.id.in_(bet_ids), bet.c.status.in_(statuses))
                    .order_by(bet.c.id)
                    .with_for_update()
                )
            ).all()
        )

    async def write_settled(self, rows: list[dict[str, Any]], settled_at: datetime) -> None:
        """Each bet's result, payout and settlement version (``b_id``, ``b_result``,
        ``b_payout``, ``b_version``) in one executemany UPDATE."""
        await self.db.execute(
            update(bet)
            .where(bet.c.id == bindparam("b_id"))
            .values(
                status=bindparam("b_result"),
                result=bindparam("b_result"),
                payout_minor=bindparam("b_payout"),
                settlement_version=bindparam("b_version"),
                settled_at=settled_at,
            ),
            rows,
        )


class EventReadModel:
    """The events service's events, markets and odds as this service last heard of them."""

    def __init__(self, db: AsyncSession) -> None:
        self.db = db

    async def selections(self, odds_ids: Sequence[uuid.UUID]) -> dict[uuid.UUID, Row[Any]]:
        """Each known selection by its odds id, with its market's and event's state."""
        if not odds_ids:
            return {}
        rows: Result[Any] = await self.db.execute(
            select(
                selection.c.odds_id,
                selection.c.event_id,
                selection.c.market_id,
                selection.c.market,
                selection.c.selection,
                selection.c.coefficient,
                market.c.status.label("market_status"),
                market.c.live_betting,
                event.c.event_name,
                event.c.status.label("event_status"),
                event.c.starts_at,
            )
            .join(market, market.c.id == selection.c.market_id)
            .join(event, event.c.id == selection.c.event_id)
            .where(selection.c.odds_id.in_(set(odds_ids)))
        )
        return {row.odds_id: row for row in rows}

    # --- written from the events service's messages ----------------------------------------

    async def save_event_snapshot(
        self, event_id: uuid.UUID, revision: int, values: dict[str, Any]
    ) -> None:
        """The whole event as of ``revision``, written only over an older one (a repeated or
        late snapshot changes nothing)."""
        stmt = insert(event).values(id=event_id, revision=revision, **values)
        await self.db.execute(
            stmt.on_conflict_do_update(
                index_elements=[event.c.id],
                set_={"revision": revision, **values, "updated_at": func.now()},
                where=event.c.revision < stmt.excluded.revision,
            )
        )

    async def set_event_status(self, event_id: uuid.UUID, status: str) -> None:
        """The latest status applied wins (no version: a newer snapshot follows each change)."""
        stmt = insert(event).values(id=event_id, status=status)
        await self.db.execute(
            stmt.on_conflict_do_update(
                index_elements=[event.c.id], set_={"status": status, "updated_at": func.now()}
            )
        )

    async def mark_event_cancelled(self, event_id: uuid.UUID) -> None:
        await self.set_event_status(event_id, EVENT_CANCELLED)

    async def save_market(self, market_id: uuid.UUID, values: dict[str, Any]) -> None:
        stmt = insert(market).values(id=market_id, **values)
        await self.db.execute(stmt.on_conflict_do_update(index_elements=[market.c.id], set_=values))

    async def save_selection(
        self, odds_id: uuid.UUID, odds_version: int, values: dict[str, Any]
    ) -> None:
        """A selection's odds as of ``odds_version``, written only over an older version; its
        market exists from its first selection on (open until a ``MarketChanged`` says not)."""
        await self.db.execute(
            insert(market)
            .values(id=values["market_id"], event_id=values["event_id"], market=values["market"])
            .on_conflict_do_nothing(index_elements=[market.c.id])
        )
        stmt = insert(selection).values(odds_id=odds_id, odds_version=odds_version, **values)
        await self.db.execute(
            stmt.on_conflict_do_update(
                index_elements=[selection.c.odds_id],
                set_={"odds_version": odds_version, **values},
                where=selection.c.odds_version < stmt.excluded.odds_version,
            )
        )

    async def claim_settlement_version(self, event_id: uuid.UUID, version: int) -> bool:
        """Record ``version`` as applied to the event; False if it (or a newer one) already
        was. The event's row serializes its result messages."""
        await self.db.execute(
            insert(event).values(id=event_id).on_conflict_do_nothing(index_elements=[event.c.id])
        )
        claimed = await self.db.scalar(
            update(event)
            .where(
                event.c.id == event_id,
                (event.c.settlement_version.is_(None)) | (event.c.settlement_version < version),
            )
            .values(settlement_version=version, updated_at=func.now())
            .returning(event.c.id)
        )
        return claimed is not None
