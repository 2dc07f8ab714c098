"""FastAPI dependencies: the wiring the composition root put on ``app.state``."""

from __future__ import annotations

from collections.abc import AsyncIterator
from datetime import datetime
from typing import Annotated

from fastapi import Depends, Request

from notifications.bootstrap import Wiring
from notifications.service_layer.unit_of_work import UnitOfWork


async def wiring(request: Request) -> Wiring:
    wired = request.app.state.wiring
    assert isinstance(wired, Wiring)
    return wired


Wired = Annotated[Wiring, Depends(wiring)]


async def now(wired: Wired) -> datetime:
    return wired.clock()


async def unit_of_work(wired: Wired) -> AsyncIterator[UnitOfWork]:
    """A unit of work for the request: the route commits what it writes; the rest is rolled
    back and the session closed after the answer."""
    async with wired.uow() as uow:
        yield uow


Uow = Annotated[UnitOfWork, Depends(unit_of_work)]
Now = Annotated[datetime, Depends(now)]
