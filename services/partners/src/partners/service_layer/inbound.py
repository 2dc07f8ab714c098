"""Inbound postbacks (``POST /api/postback/{partner_id}``): verify, apply once, log.

Order: the partner (404), the signature (401), the fields (422), then in one transaction the
log row that claims the dedupe key (a replay finds it taken: ``duplicate``, nothing applied),
the player (404) and the effect. A refusal rolls that transaction back and is logged in a
transaction of its own (for a known partner; an unknown partner's only in the service log).
"""

from __future__ import annotations

import uuid
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any, Literal

from common.errors import DomainError
from common.logging import get_logger
from partners.domain import inbound, signatures
from partners.domain.errors import PlayerAlreadyLinked, UnknownPartner, UnknownPlayer
from partners.domain.throttle import is_throttled
from partners.service_layer import metrics
from partners.service_layer.unit_of_work import UnitOfWork, UnitOfWorkFactory

log = get_logger(__name__)
_MAX_LOGGED_VALUE = 200


@dataclass(frozen=True)
class Received:
    """An inbound request as the route read it."""

    partner_id: str
    form: Literal["query", "json"]
    fields: dict[str, Any]  # the postback's fields (JSON object or query parameters)
    canonical: str | bytes  # what the signature covers after "<t>."
    presented: signatures.Presented | None
    signature_error: DomainError | None  # a malformed/missing signature, found by the route


@dataclass(frozen=True)
class Applied:
    status: Literal["accepted", "duplicate"]
    event: str
    user_id: uuid.UUID | None = None
    throttled: bool | None = None


@dataclass(frozen=True)
class _Terms:
    """When the request is applied and the rules it is held to: what ``receive`` passes on."""

    now: datetime
    unix_now: float  # the signature's clock
    tolerance_s: float  # how far the signature's timestamp may be from it
    win_window: timedelta  # one win notice per user in this window


def _clean(value: Any, limit: int) -> str:
    """Printable text only (no NUL or other control character, no lone surrogate): what a
    text/JSONB column and a log line can hold whatever a caller sent."""
    text = str(value)[:limit].encode("utf-8", "replace").decode("utf-8")
    return "".join(c if c.isprintable() else "?" for c in text)


def logged_params(fields: dict[str, Any]) -> dict[str, str]:
    """The raw parameters minus the signature, each value cut short and made printable."""
    return {
        _clean(k, 50): _clean(v, _MAX_LOGGED_VALUE)
        for k, v in list(fields.items())[:30]
        if k not in signatures.UNSIGNED_PARAMS
    }


async def receive(
    make_uow: UnitOfWorkFactory,
    received: Received,
    *,
    now: datetime,
    unix_now: float,
    tolerance_s: float,
    win_window: timedelta,
) -> Applied:
    event_label = _clean(received.fields.get("event") or "", 30) or None
    try:
        return await _apply(make_uow, received, _Terms(now, unix_now, tolerance_s, win_window))
    except DomainError as refusal:
        metrics.count(
            "inbound", event_label if event_label in inbound.INBOUND_EVENTS else None, refusal.code
        )
        log.warning(
            "partners.inbound_rejected",
            partner_id=received.partner_id,
            code=refusal.code,
            params=logged_params(received.fields),
        )
        if not isinstance(refusal, UnknownPartner):
            async with make_uow() as uow:
                await uow.inbound.record(
                    {
                        "partner_id": received.partner_id,
                        "event": event_label,
                        "params": logged_params(received.fields),
                        "outcome": "rejected",
                        "error_code": refusal.code,
                        "received_at": now,
                    }
                )
                await uow.commit()
        raise


async def _apply(make_uow: UnitOfWorkFactory, received: Received, terms: _Terms) -> Applied:
    now = terms.now
    async with make_uow() as uow:
        found = await uow.partners.get(received.partner_id)
        if found is None or not found["active"]:
            raise UnknownPartner()
        secret: str = found["secret"]
        if received.signature_error is not None:
            raise received.signature_error
        assert received.presented is not None
        signatures.verify_inbound(
            received.presented,
            received.canonical,
            secret=secret,
            now=terms.unix_now,
            tolerance_s=terms.tolerance_s,
        )
        postback = inbound.parse(received.fields)
        dedupe_key = (
            f"id:{postback.event}:{postback.dedupe_id}"
            if postback.dedupe_id
            else f"hmac:{signatures.dedupe_digest(secret, received.canonical)}"
        )
        claimed = await uow.inbound.record(
            {
                "partner_id": received.partner_id,
                "event": postback.event,
                "params": logged_params(received.fields),
                "outcome": "accepted",
                "dedupe_key": dedupe_key,
                "received_at": now,
            }
        )
        if not claimed:
            metrics.count("inbound", postback.event, "duplicate")
            log.info("partners.inbound_duplicate", partner_id=received.partner_id, key=dedupe_key)
            return Applied(status="duplicate", event=postback.event)
        user = await _player(uow, received.partner_id, postback)
        user_id: uuid.UUID = user["user_id"]
        throttled: bool | None = None
        if postback.event == "registration":
            if user["partner_player_id"] != postback.player_id:
                other = await uow.attribution.by_player_for_update(
                    received.partner_id, postback.player_id
                )
                if other is not None and other["user_id"] != user_id:
                    raise PlayerAlreadyLinked()
                await uow.attribution.update(user_id, {"partner_player_id": postback.player_id})
        elif postback.event == "deposit":
            assert postback.amount is not None
            await uow.attribution.partner_deposit(user_id, postback.amount, now)
        elif postback.event == "win":
            throttled = is_throttled(now, user["last_win_notice_at"], terms.win_window)
            if not throttled:
                await uow.attribution.update(user_id, {"last_win_notice_at": now})
        await uow.inbound.set_result(
            (received.partner_id, dedupe_key), {"user_id": user_id, "throttled": throttled}
        )
        await uow.commit()
    metrics.count("inbound", postback.event, "accepted")
    log.info(
        "partners.inbound_accepted",
        partner_id=received.partner_id,
        postback_event=postback.event,
        user_id=str(user_id),
        throttled=throttled,
    )
    return Applied(status="accepted", event=postback.event, user_id=user_id, throttled=throttled)


async def _player(uow: UnitOfWork, partner_id: str, postback: inbound.InboundPostback) -> Any:
    """Our attributed user: for a registration by its click (this partner's), then by the
    partner's player id; for the others by the player id, then by the click."""
    lookups: Sequence[Callable[[], Any]]
    by_player = lambda: uow.attribution.by_player_for_update(partner_id, postback.player_id)  # noqa: E731
    by_click = lambda: (  # noqa: E731
        uow.attribution.by_click_for_update(partner_id, postback.click_id)
        if postback.click_id
        else _none()
    )
    lookups = (by_click, by_player) if postback.event == "registration" else (by_player, by_click)
    for lookup in lookups:
        user = await lookup()
        if user is not None:
            if postback.event == "registration" and user["partner_player_id"] not in (
                None,
                postback.player_id,
            ):
                continue  # this click is already linked to another of their players
            return user
    raise UnknownPlayer(details={"user_id": postback.player_id, "click_id": postback.click_id})


async def _none() -> None:
    return None
