"""Administrator calls under ``/api/partners/admin`` (role ``admin``: 401 without a token, 403
for users). A partner's secret is write-only: no answer ever carries it."""

from __future__ import annotations

import base64
import binascii
import hashlib
import uuid
from collections.abc import Awaitable, Callable
from datetime import datetime
from typing import Annotated, Any, Literal

from fastapi import APIRouter, Query, Request, status
from fastapi.encoders import jsonable_encoder
from fastapi.responses import JSONResponse
from pydantic import BaseModel

from common.auth.deps import AdminUser
from common.auth.tokens import Principal
from common.idempotency import Claim, run_once
from common.logging import get_logger
from common.money import format_minor
from partners.bootstrap import Wiring
from partners.domain.delivery import Verdict, verdict
from partners.domain.errors import InvalidCursor, UnknownPartner
from partners.entrypoints.api import schemas
from partners.entrypoints.api.deps import Now, PartnersSettings, Uow, Wired
from partners.service_layer import admin as handlers
from partners.service_layer.unit_of_work import UnitOfWork

router = APIRouter(prefix="/api/partners/admin", tags=["partners (admin)"])
log = get_logger(__name__)

Limit = Annotated[int, Query(ge=1, le=200)]


@router.post(
    "/partners",
    response_model=schemas.PartnerOut,
    status_code=status.HTTP_201_CREATED,
    summary="Create a partner",
    responses={
        409: {"description": "partners.partner_exists"},
        422: {"description": "partners.unknown_macro, partners.invalid_template"},
    },
)
async def create_partner(
    body: schemas.PartnerIn, request: Request, wired: Wired, now: Now, admin: AdminUser
) -> JSONResponse:
    """With an ``Idempotency-Key``, a retry gets the first answer and creates nothing."""

    async def write(uow: UnitOfWork) -> Any:
        return await handlers.create_partner(
            uow,
            partner_id=body.partner_id,
            name=body.name,
            secret=body.secret,
            urls={str(k): v for k, v in body.urls.items()},
            active=body.active,
            now=now,
        )

    response = await _write_once(request, wired, admin, body, 201, write)
    log.info("partners.partner_created", partner_id=body.partner_id, by=str(admin.user_id))
    return response


async def _write_once(
    request: Request,
    wired: Wiring,
    admin: Principal,
    body: BaseModel,
    status_code: int,
    write: Callable[[UnitOfWork], Awaitable[Any]],
) -> JSONResponse:
    """``write`` in a unit of work, once per ``Idempotency-Key``: the partner it returns is the
    answer, recorded for the key in the write's own transaction; a retry gets that answer."""

    async def run(claim: Claim | None) -> JSONResponse:
        async with wired.uow() as uow:
            content = jsonable_encoder(schemas.PartnerOut.model_validate(await write(uow)))
            if claim is not None:
                await wired.idempotency.record(uow.db, claim, status_code, content)
            await uow.commit()
            return JSONResponse(content, status_code=status_code)

    return await run_once(
        wired.idempotency,
        wired.engine,
        request,
        user_id=str(admin.user_id),
        body=_fingerprint(body),
        run=run,
    )


def _fingerprint(body: BaseModel) -> dict[str, Any]:
    """What a retry must repeat: the body, its secret only as a digest (the stored request
    hash never holds it either way, but nothing secret goes further than needed)."""
    data = body.model_dump(mode="json", exclude_unset=True)
    if data.get("secret"):
        data["secret"] = hashlib.sha256(data["secret"].encode()).hexdigest()
    return data


@router.get("/partners", response_model=list[schemas.PartnerOut], summary="All partners")
async def list_partners(uow: Uow, _admin: AdminUser) -> Any:
    return [handlers.public_partner(r) for r in await uow.partners.list()]


@router.get("/partners/{partner_id}", response_model=schemas.PartnerOut, summary="One partner")
async def get_partner(partner_id: str, uow: Uow, _admin: AdminUser) -> Any:
    found = await uow.partners.get(partner_id)
    if found is None:
        raise UnknownPartner()
    return handlers.public_partner(found)


@router.patch(
    "/partners/{partner_id}",
    response_model=schemas.PartnerOut,
    summary="Change a partner: name, URL templates (merged), active, secret rotation",
)
async def patch_partner(
    partner_id: str,
    body: schemas.PartnerPatch,
    request: Request,
    wired: Wired,
    now: Now,
    admin: AdminUser,
) -> JSONResponse:
    changes = body.model_dump(exclude_unset=True)
    if changes.get("urls") is not None:
        changes["urls"] = {k: (v or None) for k, v in changes["urls"].items()}

    async def write(uow: UnitOfWork) -> Any:
        return await handlers.update_partner(uow, partner_id, changes, now=now)

    response = await _write_once(request, wired, admin, body, 200, write)
    log.info(
        "partners.partner_changed",
        partner_id=partner_id,
        fields=sorted(changes),  # names only: never the secret
        by=str(admin.user_id),
    )
    return response


def _cursor(value: str | None) -> tuple[datetime, uuid.UUID] | None:
    if value is None:
        return None
    try:
        at, _, uid = base64.urlsafe_b64decode(value.encode()).decode().partition("|")
        return datetime.fromisoformat(at), uuid.UUID(uid)
    except (ValueError, binascii.Error, UnicodeDecodeError) as exc:
        raise InvalidCursor() from exc


@router.get(
    "/partners/{partner_id}/users",
    response_model=schemas.UsersPage,
    summary="Users who signed up through the partner (oldest first, cursor paged)",
)
async def partner_users(
    partner_id: str,
    uow: Uow,
    _admin: AdminUser,
    limit: Limit = 50,
    cursor: Annotated[str | None, Query(max_length=200)] = None,
) -> Any:
    rows = await uow.attribution.users_page(partner_id, limit=limit + 1, after=_cursor(cursor))
    more = len(rows) > limit
    rows = rows[:limit]
    items = [
        {
            "user_id": r["user_id"],
            "click_id": r["click_id"],
            "partner_player_id": r["partner_player_id"],
            "registered_at": r["registered_at"],
            "first_deposit_at": r["first_deposit_at"],
            "deposits_count": int(r["deposits_count"] or 0),
            "deposits_sum": {
                k: format_minor(int(v)) for k, v in (r["deposits_minor"] or {}).items()
            },
            "partner_first_deposit_at": r["partner_first_deposit_at"],
            "partner_deposit_count": r["partner_deposit_count"],
            "partner_deposit_sum": f"{r['partner_deposit_sum']:.2f}",
        }
        for r in rows
    ]
    next_cursor = None
    if more and rows:
        last = rows[-1]
        raw = f"{last['registered_at'].isoformat()}|{last['user_id']}"
        next_cursor = base64.urlsafe_b64encode(raw.encode()).decode()
    return {"items": items, "next_cursor": next_cursor}


@router.get(
    "/postbacks/outbound",
    response_model=list[schemas.OutboundOut],
    summary="Our postbacks to partners, newest first, with every attempt",
)
async def outbound_postbacks(
    uow: Uow,
    _admin: AdminUser,
    partner_id: Annotated[str | None, Query(max_length=50)] = None,
    status_: Annotated[
        Literal["pending", "delivered", "failed"] | None, Query(alias="status")
    ] = None,
    limit: Limit = 50,
) -> Any:
    rows = await uow.postbacks.list(partner_id=partner_id, status=status_, limit=limit)
    for r in rows:
        r["amount"] = None if r["amount_minor"] is None else format_minor(int(r["amount_minor"]))
    return rows


@router.get(
    "/postbacks/inbound",
    response_model=list[schemas.InboundOut],
    summary="Partners' postbacks to us, newest first (accepted and rejected)",
)
async def inbound_postbacks(
    uow: Uow,
    _admin: AdminUser,
    partner_id: Annotated[str | None, Query(max_length=50)] = None,
    outcome: Literal["accepted", "rejected"] | None = None,
    limit: Limit = 50,
) -> Any:
    return await uow.inbound.list(partner_id=partner_id, outcome=outcome, limit=limit)


@router.get("/stats", response_model=list[schemas.PartnerStats], summary="Per-partner figures")
async def partner_stats(uow: Uow, _admin: AdminUser) -> Any:
    return await handlers.stats(uow)


@router.post(
    "/partners/{partner_id}/test-postback",
    response_model=schemas.TestPostbackOut,
    summary="Send one signed test postback to the partner's URL now, with sample values",
    responses={422: {"description": "partners.no_template"}},
)
async def test_postback(
    partner_id: str,
    body: schemas.TestPostbackIn,
    uow: Uow,
    wired: Wired,
    settings: PartnersSettings,
    admin: AdminUser,
) -> Any:
    url, postback_id, result = await handlers.test_postback(
        uow,
        wired.client,
        partner_id,
        body.event,
        currency=settings.currency,
        timeout_s=settings.postback_timeout_s,
    )
    log.info(
        "partners.test_postback",
        partner_id=partner_id,
        postback_event=body.event,
        status_code=result.status_code,
        error=result.error,
        by=str(admin.user_id),
    )
    return {
        "postback_id": postback_id,
        "url": url,
        "status_code": result.status_code,
        "error": result.error,
        "latency_ms": result.latency_ms,
        "delivered": verdict(result.status_code) is Verdict.DELIVERED,
    }
