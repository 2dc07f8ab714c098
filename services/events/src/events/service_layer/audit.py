"""The events admin audit trail: who changed what, from what to what.

Every admin write (and every results-feed message, actor ``feed``) runs inside ``recorded``:
the state it may change is read before (row-locked) and after the command, in the same unit of
work, and one ``events.admin_audit`` row keeps what differs. The row commits with the change; a
command that fails (or a transaction rolled back) leaves none.
"""

from __future__ import annotations

import uuid
from collections.abc import AsyncIterator, Awaitable, Callable, Mapping
from contextlib import asynccontextmanager
from dataclasses import dataclass, field
from enum import StrEnum
from typing import Any

from events.adapters.audit import State
from events.service_layer.unit_of_work import UnitOfWork

FEED = "feed"
USER_AGENT_MAX_CHARS = 512


class AuditAction(StrEnum):
    sport_create = "sport.create"
    league_create = "league.create"
    event_create = "event.create"
    event_update = "event.update"
    event_delete = "event.delete"
    market_create = "market.create"
    market_update = "market.update"
    market_suspend = "market.suspend"
    market_resume = "market.resume"
    odds_set = "odds.set"
    odds_suspend = "odds.suspend"
    odds_resume = "odds.resume"
    event_start = "event.start"
    event_score = "event.score"
    event_postpone = "event.postpone"
    event_reschedule = "event.reschedule"
    event_cancel = "event.cancel"
    event_settle = "event.settle"
    event_resettle = "event.resettle"


@dataclass(frozen=True)
class Actor:
    """Who acts: an admin's ``sub`` or ``feed``, and where the request came from."""

    who: str
    request_id: str | None = None
    ip: str | None = None
    user_agent: str | None = None


@dataclass
class AuditEntry:
    """One action being recorded; the command's ids can be filled in once it made them."""

    action: AuditAction
    event_id: uuid.UUID | None = None
    market_id: uuid.UUID | None = None
    odds_id: uuid.UUID | None = None
    details: dict[str, Any] = field(default_factory=dict)


# What the action may change, read in the unit of work (an event's: ``event_state``).
StateReader = Callable[[UnitOfWork, AuditEntry], Awaitable[State | None]]


def changes(before: State | None, after: State | None) -> tuple[State | None, State | None]:
    """Only what differs, key by key (nested maps too): ``({"coefficient": "2.10"},
    {"coefficient": "2.25"})``. A creation keeps all of ``after``, a deletion all of ``before``."""
    if before is None or after is None:
        return before, after
    old: State = {}
    new: State = {}
    for key in sorted(before.keys() | after.keys()):
        was, now = before.get(key), after.get(key)
        if isinstance(was, dict) and isinstance(now, dict):
            inner_old, inner_new = changes(was, now)
            if inner_old or inner_new:
                old[key], new[key] = inner_old, inner_new
        elif key not in after:
            old[key] = was
        elif key not in before:
            new[key] = now
        elif was != now:
            old[key], new[key] = was, now
    return old, new


async def event_state(uow: UnitOfWork, entry: AuditEntry) -> State | None:
    return None if entry.event_id is None else await uow.audit.event_state(entry.event_id)


@asynccontextmanager
async def recorded(
    uow: UnitOfWork,
    actor: Actor,
    action: AuditAction,
    *,
    event_id: uuid.UUID | None = None,
    market_id: uuid.UUID | None = None,
    odds_id: uuid.UUID | None = None,
    details: Mapping[str, Any] | None = None,
    state: StateReader = event_state,
) -> AsyncIterator[AuditEntry]:
    """Run the command in the block; on success write its one audit row (same transaction)."""
    entry = AuditEntry(action, event_id, market_id, odds_id, dict(details or {}))
    before = await state(uow, entry)
    yield entry
    after = await state(uow, entry)
    old, new = changes(before, after)
    await uow.audit.add(
        {
            "actor": actor.who,
            "action": str(entry.action),
            "event_id": entry.event_id,
            "market_id": entry.market_id,
            "odds_id": entry.odds_id,
            "before": old,
            "after": new,
            "details": {k: v for k, v in entry.details.items() if v is not None} or None,
            "request_id": actor.request_id,
            "ip": actor.ip,
            "user_agent": actor.user_agent[:USER_AGENT_MAX_CHARS] if actor.user_agent else None,
        }
    )
