"""Writing to the outbox: the only way a service emits a message.

The row is inserted with the caller's session, so it commits or rolls back with the state
change it describes.
"""

from __future__ import annotations

from pydantic import BaseModel
from sqlalchemy import insert
from sqlalchemy.ext.asyncio import AsyncConnection, AsyncSession

from common.context import causation_id_var, correlation_id_var, request_id_var
from common.messaging.envelope import Envelope, wrap
from common.messaging.tables import messaging_tables


async def add_to_outbox(
    db: AsyncSession | AsyncConnection,
    schema: str,
    *payloads: BaseModel | Envelope,
) -> list[Envelope]:
    """Queue messages for publishing inside the caller's transaction (one INSERT)."""
    outbox, _ = messaging_tables(schema)
    envelopes = [_with_context(p) if isinstance(p, Envelope) else wrap(p) for p in payloads]
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


def _with_context(envelope: Envelope) -> Envelope:
    """A ready-made envelope still joins the current chain unless it names its own ids."""
    correlation = envelope.correlation_id or correlation_id_var.get() or request_id_var.get()
    causation = envelope.causation_id or causation_id_var.get()
    if (correlation, causation) == (envelope.correlation_id, envelope.causation_id):
        return envelope
    return envelope.model_copy(update={"correlation_id": correlation, "causation_id": causation})
