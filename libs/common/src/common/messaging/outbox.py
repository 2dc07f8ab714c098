"""Writing to the outbox: the only way a service emits a message.

The row is inserted with the caller's session, so it commits or rolls back with the state
change it describes.
"""

from __future__ import annotations

from pydantic import BaseModel
from sqlalchemy import insert
from sqlalchemy.ext.asyncio import AsyncConnection, AsyncSession

from common.messaging.envelope import Envelope, wrap
from common.messaging.tables import messaging_tables


async def add_to_outbox(
    db: AsyncSession | AsyncConnection,
    schema: str,
    *payloads: BaseModel | Envelope,
) -> list[Envelope]:
    """Queue messages for publishing inside the caller's transaction (one INSERT)."""
    outbox, _ = messaging_tables(schema)
    envelopes = [p if isinstance(p, Envelope) else wrap(p) for p in payloads]
    if envelopes:
        await db.execute(
            insert(outbox),
            [
                {
                    "event_id": e.event_id,
                    "routing_key": e.routing_key,
                    "body": e.model_dump(mode="json"),
                }
                for e in envelopes
            ],
        )
    return envelopes
