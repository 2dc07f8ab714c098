"""Administrators' partner management and the figures they read."""

from __future__ import annotations

import uuid
from datetime import datetime
from decimal import Decimal
from typing import Any

import httpx
import sqlalchemy as sa

from common.money import format_minor
from partners.adapters.tables import attributed_user, deposit, inbound_postback, partner, postback
from partners.domain.errors import NoTemplate, PartnerExists, UnknownPartner
from partners.domain.partners import validate_urls
from partners.domain.templates import OutboundEvent, render
from partners.service_layer.sender import AttemptResult, deliver, macro_values
from partners.service_layer.unit_of_work import UnitOfWork

SAMPLE_USER_ID = uuid.UUID("00000000-0000-4000-8000-000000000000")


def public_partner(row: Any) -> dict[str, Any]:
    """A partner as any answer shows it: never the secret."""
    return {
        "partner_id": row["partner_id"],
        "name": row["name"],
        "urls": dict(row["urls"] or {}),
        "active": row["active"],
        "created_at": row["created_at"],
        "updated_at": row["updated_at"],
    }


async def create_partner(
    uow: UnitOfWork,
    *,
    partner_id: str,
    name: str,
    secret: str,
    urls: dict[str, str | None],
    active: bool,
    now: datetime,
) -> dict[str, Any]:
    values = {
        "partner_id": partner_id,
        "name": name,
        "secret": secret,
        "urls": validate_urls(urls),
        "active": active,
        "created_at": now,
        "updated_at": now,
    }
    if not await uow.partners.add(values):
        raise PartnerExists(details={"partner_id": partner_id})
    found = await uow.partners.get(partner_id)
    return public_partner(found)


async def update_partner(
    uow: UnitOfWork, partner_id: str, changes: dict[str, Any], *, now: datetime
) -> dict[str, Any]:
    found = await uow.partners.get_for_update(partner_id)
    if found is None:
        raise UnknownPartner()
    values: dict[str, Any] = {"updated_at": now}
    for key in ("name", "active", "secret"):
        if changes.get(key) is not None:
            values[key] = changes[key]
    if changes.get("urls") is not None:
        merged = {**dict(found["urls"] or {}), **changes["urls"]}
        values["urls"] = validate_urls(merged)
    await uow.partners.update(partner_id, values)
    return public_partner(await uow.partners.get(partner_id))


async def stats(uow: UnitOfWork) -> list[dict[str, Any]]:
    db = uow.db
    au = attributed_user.c
    regs = {
        r.partner_id: (r.registrations, r.first_deposits)
        for r in await db.execute(
            sa.select(
                au.partner_id,
                sa.func.count().label("registrations"),
                sa.func.count(au.first_deposit_at).label("first_deposits"),
            ).group_by(au.partner_id)
        )
    }
    sums: dict[str, dict[str, str]] = {}
    for r in await db.execute(
        sa.select(deposit.c.partner_id, deposit.c.currency, sa.func.sum(deposit.c.amount_minor))
        .group_by(deposit.c.partner_id, deposit.c.currency)
        .order_by(deposit.c.currency)
    ):
        sums.setdefault(r[0], {})[r[1]] = format_minor(int(r[2]))
    outbound: dict[str, dict[str, int]] = {}
    for r in await db.execute(
        sa.select(postback.c.partner_id, postback.c.status, sa.func.count()).group_by(
            postback.c.partner_id, postback.c.status
        )
    ):
        outbound.setdefault(r[0], {})[r[1]] = int(r[2])
    inbound: dict[str, dict[str, int]] = {}
    for r in await db.execute(
        sa.select(
            inbound_postback.c.partner_id, inbound_postback.c.outcome, sa.func.count()
        ).group_by(inbound_postback.c.partner_id, inbound_postback.c.outcome)
    ):
        inbound.setdefault(r[0], {})[r[1]] = int(r[2])
    partner_ids = [
        r[0]
        for r in await db.execute(sa.select(partner.c.partner_id).order_by(partner.c.partner_id))
    ]
    answer = []
    for pid in partner_ids:
        registrations, first_deposits = regs.get(pid, (0, 0))
        conversion = (
            Decimal(first_deposits) / Decimal(registrations) if registrations else Decimal(0)
        ).quantize(Decimal("0.0001"))
        out = outbound.get(pid, {})
        into = inbound.get(pid, {})
        answer.append(
            {
                "partner_id": pid,
                "registrations": registrations,
                "first_deposits": first_deposits,
                "conversion": str(conversion),
                "deposits_sum": sums.get(pid, {}),
                "outbound": {s: out.get(s, 0) for s in ("delivered", "failed", "pending")},
                "inbound": {s: into.get(s, 0) for s in ("accepted", "rejected")},
            }
        )
    return answer


async def test_postback(
    uow: UnitOfWork,
    client: httpx.AsyncClient,
    partner_id: str,
    event: OutboundEvent,
    *,
    currency: str,
    timeout_s: float,
) -> tuple[str, uuid.UUID, AttemptResult]:
    """Render the partner's template with sample values and send it, signed, now."""
    found = await uow.partners.get(partner_id)
    if found is None:
        raise UnknownPartner()
    template = (found["urls"] or {}).get(event)
    if not template:
        raise NoTemplate(details={"event": event})
    postback_id = uuid.uuid4()
    sample = {
        "event": event,
        "user_id": SAMPLE_USER_ID,
        "click_id": "test-click",
        "amount_minor": None if event == "registration" else 1250,
        "currency": currency,
        "transaction_id": f"test-{postback_id}",
    }
    url = render(template, macro_values(sample))
    secret: str = found["secret"]
    await uow.rollback()  # nothing held open while the partner answers
    result = await deliver(client, url, secret=secret, postback_id=postback_id, timeout_s=timeout_s)
    return url, postback_id, result
