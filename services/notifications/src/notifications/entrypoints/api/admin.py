"""Administrator calls under /api/notifications/admin (role ``admin``: 401 without a token,
403 for a user)."""

from __future__ import annotations

import uuid
from datetime import timedelta
from typing import Annotated

from fastapi import APIRouter, Query

from common.auth.deps import AdminUser
from common.logging import get_logger
from notifications.domain.errors import DeliveryNotFailed, DeliveryNotFound
from notifications.domain.kinds import Channel, DeliveryStatus
from notifications.entrypoints.api.deps import Now, Uow
from notifications.entrypoints.api.schemas import (
    AdminDeliveries,
    AdminDelivery,
    Stats,
    StatusCount,
)

log = get_logger(__name__)

router = APIRouter(prefix="/api/notifications/admin", tags=["notifications (admin)"])

STATS_WINDOW = timedelta(hours=24)


@router.get("/deliveries")
async def deliveries(
    _admin: AdminUser,
    uow: Uow,
    status: DeliveryStatus | None = None,
    channel: Channel | None = None,
    limit: Annotated[int, Query(ge=1, le=500)] = 100,
) -> AdminDeliveries:
    rows = await uow.deliveries.listing(status=status, channel=channel, limit=limit)
    return AdminDeliveries(items=[AdminDelivery.model_validate(dict(row)) for row in rows])


@router.get("/stats")
async def stats(_admin: AdminUser, uow: Uow, now: Now) -> Stats:
    """Deliveries written in the last 24 h, counted by status and channel."""
    since = now - STATS_WINDOW
    counts = await uow.deliveries.counts_since(since)
    return Stats(
        since=since,
        counts=[
            StatusCount(status=DeliveryStatus(s), channel=Channel(c), count=n) for s, c, n in counts
        ],
    )


@router.post("/deliveries/{delivery_id}/retry")
async def retry(delivery_id: uuid.UUID, admin: AdminUser, uow: Uow, now: Now) -> AdminDelivery:
    """A failed delivery back to pending, with a fresh set of attempts."""
    previous = await uow.deliveries.retry_failed(delivery_id, now)
    if previous is None:
        raise DeliveryNotFound()
    if previous != DeliveryStatus.failed:
        raise DeliveryNotFailed(details={"status": previous})
    rows = await uow.deliveries.listing_one(delivery_id)
    await uow.commit()
    log.info("notifications.admin_retry", delivery_id=str(delivery_id), admin=str(admin.user_id))
    return AdminDelivery.model_validate(dict(rows))
