"""The user's calls under /api/notifications (a bearer token; 401 without one).

Everything is the token's subject's own: no route takes a user id.
"""

from __future__ import annotations

import uuid
from typing import Annotated

from fastapi import APIRouter, Query, Response, status
from fastapi.exceptions import RequestValidationError

from common.auth.deps import CurrentUser
from notifications.adapters.repositories import KindChoice
from notifications.entrypoints.api.deps import Uow
from notifications.entrypoints.api.schemas import (
    History,
    HistoryItem,
    PreferencesIn,
    PreferencesOut,
    TelegramIn,
)
from notifications.service_layer import preferences as handlers

router = APIRouter(prefix="/api/notifications", tags=["notifications"])


@router.get("/preferences")
async def get_preferences(user: CurrentUser, uow: Uow) -> PreferencesOut:
    return PreferencesOut.of(await handlers.preferences(uow, user.user_id))


@router.put("/preferences")
async def put_preferences(body: PreferencesIn, user: CurrentUser, uow: Uow) -> PreferencesOut:
    kinds = [k.kind for k in body.kinds]
    if len(set(kinds)) != len(kinds):
        raise RequestValidationError(
            [
                {
                    "loc": ("body", "kinds"),
                    "msg": "Each kind may be listed once.",
                    "type": "duplicate_kind",
                }
            ]
        )
    choices = [KindChoice(k.kind, k.email, k.telegram) for k in body.kinds]
    return PreferencesOut.of(await handlers.choose(uow, user.user_id, choices))


@router.put("/telegram")
async def put_telegram(body: TelegramIn, user: CurrentUser, uow: Uow) -> PreferencesOut:
    return PreferencesOut.of(await handlers.link_telegram(uow, user.user_id, body.chat_id))


@router.delete("/telegram", status_code=status.HTTP_204_NO_CONTENT)
async def delete_telegram(user: CurrentUser, uow: Uow) -> Response:
    await handlers.link_telegram(uow, user.user_id, None)
    return Response(status_code=status.HTTP_204_NO_CONTENT)


@router.get("/history")
async def history(
    user: CurrentUser,
    uow: Uow,
    limit: Annotated[int, Query(ge=1, le=200)] = 50,
    before: uuid.UUID | None = None,
) -> History:
    rows = await uow.deliveries.history(user.user_id, limit=limit, before=before)
    items = [HistoryItem.model_validate(dict(row)) for row in rows]
    return History(items=items, next_cursor=items[-1].id if len(items) == limit else None)
