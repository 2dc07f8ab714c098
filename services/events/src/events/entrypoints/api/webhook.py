"""``POST /api/webhook/events``: the results feed (ARCHITECTURE.md §6).

The body is read up to ``MAX_BODY_BYTES`` and no further (a larger declared length is refused
before reading); the signature is checked on the raw body before anything is parsed; each
``feed_message_id`` is applied once, in the same transaction as its effect.
"""

from __future__ import annotations

import time

from fastapi import APIRouter, Header, Request
from fastapi.exceptions import RequestValidationError
from pydantic import TypeAdapter, ValidationError

from common.api import check_body_text
from common.errors import DomainError
from events.domain import feed as signatures
from events.entrypoints.api import schemas
from events.entrypoints.api.deps import EventsSettings, FeedActor, Now, Uow
from events.service_layer.feed import FeedMessage, apply_feed_message

router = APIRouter(prefix="/api/webhook", tags=["results feed"])

MAX_BODY_BYTES = 256 * 1024
_MESSAGE: TypeAdapter[FeedMessage] = TypeAdapter(FeedMessage)


class FeedBodyTooLarge(DomainError):
    status_code = 413
    code = "events.feed_body_too_large"
    default_message = "The feed message is too large."


async def capped_body(request: Request, limit: int = MAX_BODY_BYTES) -> bytes:
    """The raw body, never holding more than ``limit`` bytes of it: chunked or not."""
    too_large = FeedBodyTooLarge(details={"max_bytes": limit})
    declared = request.headers.get("content-length", "")
    if declared.isdigit() and int(declared) > limit:
        raise too_large
    body = bytearray()
    async for chunk in request.stream():
        body += chunk
        if len(body) > limit:
            raise too_large
    return bytes(body)


@router.post(
    "/events",
    response_model=schemas.FeedAcceptedOut,
    summary="Signed results-feed message: odds, status, score, result, cancel",
    openapi_extra={
        "requestBody": {
            "required": True,
            "content": {"application/json": {"schema": {"type": "object"}}},
        }
    },
    responses={
        401: {"description": "events.feed_signature_invalid"},
        404: {"description": "events.external_event_not_found"},
        409: {"description": "events.feed_replayed"},
    },
)
async def receive_feed_message(
    request: Request,
    settings: EventsSettings,
    uow: Uow,
    now: Now,
    actor: FeedActor,
    x_feed_signature: str | None = Header(default=None),
) -> schemas.FeedAcceptedOut:
    """Header ``X-Feed-Signature: t=<unix>,v1=<hex HMAC-SHA256(secret, "<t>.<raw body>")>``,
    at most ``EVENTS_FEED_TOLERANCE_S`` (300 s) from our clock."""
    body = await capped_body(request)
    signatures.verify(
        x_feed_signature,
        body,
        secret=settings.feed_secret,
        now=time.time(),
        tolerance_s=settings.feed_tolerance_s,
    )
    try:
        message = _MESSAGE.validate_json(body)
    except ValidationError as exc:
        raise RequestValidationError(
            [{**e, "loc": ("body", *e["loc"])} for e in exc.errors(include_input=False)]
        ) from None
    check_body_text(message.model_dump())  # a signed message is no reason to store a NUL
    async with uow:
        event_id = await apply_feed_message(uow, message, now=now, actor=actor)
        await uow.commit()
    return schemas.FeedAcceptedOut(
        feed_message_id=message.feed_message_id, event_id=event_id, type=message.type
    )
