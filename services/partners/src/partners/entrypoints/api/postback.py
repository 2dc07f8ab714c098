"""``/api/postback``: partners' signed S2S postbacks to us (seed 003), public at the gateway.

``POST /api/postback/{partner_id}`` takes the seed's query-string form
(``?event=deposit&user_id=12345&amount=1000``) or a JSON object with the same fields; it is
signed with the partner's secret (``partners.domain.signatures``) and applied once.
"""

from __future__ import annotations

import json
from datetime import timedelta
from typing import Any, Literal

from fastapi import APIRouter, Header, Request

from common.errors import DomainError
from partners.domain import signatures
from partners.domain.errors import InvalidPostback
from partners.entrypoints.api import schemas
from partners.entrypoints.api.deps import Now, PartnersSettings, Wired
from partners.service_layer.inbound import Received, receive

router = APIRouter(prefix="/api/postback", tags=["postbacks (partners → us)"])

MAX_BODY_BYTES = 16 * 1024


class PostbackTooLarge(DomainError):
    status_code = 413
    code = "partners.postback_too_large"
    default_message = "The postback is too large."


async def _body(request: Request) -> bytes:
    too_large = PostbackTooLarge(details={"max_bytes": MAX_BODY_BYTES})
    declared = request.headers.get("content-length", "")
    if declared.isdigit() and int(declared) > MAX_BODY_BYTES:
        raise too_large
    body = bytearray()
    async for chunk in request.stream():
        body += chunk
        if len(body) > MAX_BODY_BYTES:
            raise too_large
    return bytes(body)


@router.get("/health", response_model=schemas.PostbackHealth, summary="Postback endpoint alive")
async def postback_health() -> dict[str, str]:
    return {"status": "ok", "service": "postback"}


@router.post(
    "/{partner_id}",
    response_model=schemas.InboundAnswer,
    summary="A partner's signed postback: registration, deposit, withdrawal or win",
    responses={
        401: {"description": "partners.bad_signature, partners.stale_signature"},
        404: {"description": "partners.unknown_partner, partners.unknown_player"},
        409: {"description": "partners.player_already_linked"},
        422: {"description": "partners.unknown_event, partners.invalid_postback"},
    },
)
async def receive_postback(
    partner_id: str,
    request: Request,
    wired: Wired,
    settings: PartnersSettings,
    now: Now,
    x_signature: str | None = Header(default=None),
) -> schemas.InboundAnswer:
    """Signature: ``X-Signature: t=<unix>,v1=<hex>`` (or the query parameters ``timestamp``
    and ``signature``) = HMAC-SHA256(secret, ``"<t>.<canonical>"``); canonical is the raw JSON
    body, or the query parameters except those two, sorted, URL-encoded, joined with ``&``."""
    body = await _body(request)
    query = request.query_params
    form: Literal["query", "json"] = "json" if body.strip() else "query"
    fields: dict[str, Any]
    canonical: str | bytes
    if form == "json":
        try:
            parsed = json.loads(body)
        except ValueError as exc:
            raise InvalidPostback("The body is not JSON.") from exc
        if not isinstance(parsed, dict):
            raise InvalidPostback("The body must be a JSON object.")
        fields, canonical = parsed, body
    else:
        items = query.multi_items()
        names = [k for k, _ in items if k not in signatures.UNSIGNED_PARAMS]
        if len(names) != len(set(names)):
            raise InvalidPostback("A parameter is repeated.")
        fields = {k: v for k, v in items}
        canonical = signatures.canonical_query(items)
    presented: signatures.Presented | None = None
    signature_error: DomainError | None = None
    try:
        presented = signatures.presented(
            x_signature, query.get("timestamp"), query.get("signature")
        )
    except DomainError as exc:
        signature_error = exc
    applied = await receive(
        wired.uow,
        Received(
            partner_id=partner_id[:50],
            form=form,
            fields=fields,
            canonical=canonical,
            presented=presented,
            signature_error=signature_error,
        ),
        now=now,
        unix_now=now.timestamp(),
        tolerance_s=settings.inbound_tolerance_s,
        win_window=timedelta(seconds=settings.win_window_s),
    )
    return schemas.InboundAnswer(
        status=applied.status, event=applied.event, throttled=applied.throttled
    )
