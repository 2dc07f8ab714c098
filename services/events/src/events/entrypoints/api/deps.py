"""FastAPI dependencies: the wiring the composition root put on ``app.state``.

All ``async def``, trivial as they are: FastAPI runs a plain ``def`` dependency on a worker
thread, two thread hops per listing request (a fifth of its CPU under load, py-spy)."""

from __future__ import annotations

from collections.abc import AsyncIterator
from datetime import datetime
from typing import Annotated

from fastapi import Depends, Request

from common.auth.deps import AdminUser, current_principal
from common.auth.tokens import Principal
from common.client_address import client_address, user_agent
from common.context import request_id_var
from events.bootstrap import Wiring
from events.service_layer.audit import FEED, Actor
from events.service_layer.unit_of_work import UnitOfWork
from events.settings import Settings


async def wiring(request: Request) -> Wiring:
    wired = request.app.state.wiring
    assert isinstance(wired, Wiring)
    return wired


Wired = Annotated[Wiring, Depends(wiring)]


async def settings(wired: Wired) -> Settings:
    return wired.settings


async def now(wired: Wired) -> datetime:
    return wired.clock()


async def unit_of_work(wired: Wired) -> UnitOfWork:
    return wired.uow()


async def read_unit_of_work(wired: Wired) -> AsyncIterator[UnitOfWork]:
    """A unit of work the route only reads through: never committed, so it is rolled back and
    closed after the answer. Its session connects on the first query, so an answer served from
    the listing cache costs no database round trip."""
    async with wired.uow() as uow:
        yield uow


async def optional_principal(request: Request) -> Principal | None:
    """The caller if a token is sent (it must then be valid), else anonymous."""
    if "authorization" not in request.headers:
        return None
    return await current_principal(request)


def _actor(who: str, request: Request) -> Actor:
    return Actor(
        who=who,
        request_id=request_id_var.get() or request.headers.get("x-request-id"),
        ip=client_address(request),
        user_agent=user_agent(request),
    )


async def admin_actor(request: Request, admin: AdminUser) -> Actor:
    """The administrator (401/403 otherwise) as the audit trail records them: ``sub``, request
    id, client address (``common.client_address``) and user agent."""
    return _actor(str(admin.user_id), request)


async def feed_actor(request: Request) -> Actor:
    """The results feed as the audit trail records it (the signature is checked by the route)."""
    return _actor(FEED, request)


Uow = Annotated[UnitOfWork, Depends(unit_of_work)]
ReadUow = Annotated[UnitOfWork, Depends(read_unit_of_work)]
Now = Annotated[datetime, Depends(now)]
EventsSettings = Annotated[Settings, Depends(settings)]
MaybePrincipal = Annotated[Principal | None, Depends(optional_principal)]
AdminActor = Annotated[Actor, Depends(admin_actor)]
FeedActor = Annotated[Actor, Depends(feed_actor)]
