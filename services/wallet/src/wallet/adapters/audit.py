"""Writing audit rows (in the caller's transaction, or a short one of their own)."""

from __future__ import annotations

import ipaddress
from typing import Any

from sqlalchemy import insert, literal_column, text
from sqlalchemy.dialects.postgresql import insert as pg_insert
from sqlalchemy.ext.asyncio import AsyncConnection, AsyncEngine, AsyncSession

from wallet.adapters.tables import audit_log
from wallet.domain.audit import AuditAction, AuditEntry


def _ip(value: str | None) -> str | None:
    if not value:
        return None
    try:
        return str(ipaddress.ip_address(value.strip()))
    except ValueError:
        return None  # not an address: not stored rather than failing the money action


def _values(e: AuditEntry) -> dict[str, Any]:
    return {
        "user_id": e.user_id,
        "actor_id": e.client.actor_id,
        "action": e.action.value,
        "amount_minor": e.amount_minor,
        "ip_address": _ip(e.client.ip_address),
        "user_agent": (e.client.user_agent or None) and e.client.user_agent[:500],
        "status": e.status.value,
        "details": e.details,
    }


async def write_audit(db: AsyncSession | AsyncConnection, *entries: AuditEntry) -> None:
    if not entries:
        return
    await db.execute(insert(audit_log), [_values(e) for e in entries])


async def write_audit_now(engine: AsyncEngine, *entries: AuditEntry) -> None:
    """For refusals: the operation's own transaction rolled back, the audit row must stay."""
    async with engine.begin() as conn:
        await write_audit(conn, *entries)


async def write_payout_refusal_once(engine: AsyncEngine, entry: AuditEntry) -> bool:
    """A ``payout_refused`` row in a transaction of its own (the message's rolls back), once
    per refused message however often the bus redelivers it (unique on ``details.event_id``,
    migration 0007). True when this call wrote it."""
    assert entry.action is AuditAction.payout_refused
    statement = (
        pg_insert(audit_log)
        .values(_values(entry))
        .on_conflict_do_nothing(
            index_elements=[literal_column("(details ->> 'event_id')")],
            # literal SQL: PostgreSQL matches the partial index only on the very predicate
            index_where=text("action = 'payout_refused'"),
        )
        .returning(audit_log.c.id)
    )
    async with engine.begin() as conn:
        return (await conn.scalar(statement)) is not None
