"""Writing audit rows (in the caller's transaction, or a short one of their own)."""

from __future__ import annotations

import ipaddress

from sqlalchemy import insert
from sqlalchemy.ext.asyncio import AsyncConnection, AsyncEngine, AsyncSession

from wallet.adapters.tables import audit_log
from wallet.domain.audit import AuditEntry


def _ip(value: str | None) -> str | None:
    if not value:
        return None
    try:
        return str(ipaddress.ip_address(value.strip()))
    except ValueError:
        return None  # not an address: not stored rather than failing the money action


async def write_audit(db: AsyncSession | AsyncConnection, *entries: AuditEntry) -> None:
    if not entries:
        return
    await db.execute(
        insert(audit_log),
        [
            {
                "user_id": e.user_id,
                "actor_id": e.client.actor_id,
                "action": e.action.value,
                "amount_minor": e.amount_minor,
                "ip_address": _ip(e.client.ip_address),
                "user_agent": (e.client.user_agent or None) and e.client.user_agent[:500],
                "status": e.status.value,
                "details": e.details,
            }
            for e in entries
        ],
    )


async def write_audit_now(engine: AsyncEngine, *entries: AuditEntry) -> None:
    """For refusals: the operation's own transaction rolled back, the audit row must stay."""
    async with engine.begin() as conn:
        await write_audit(conn, *entries)
