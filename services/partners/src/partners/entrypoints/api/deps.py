"""FastAPI dependencies: the wiring the composition root put on ``app.state``."""

from __future__ import annotations

from collections.abc import AsyncIterator
from datetime import datetime
from typing import Annotated

from fastapi import Depends, Request

from partners.bootstrap import Wiring
from partners.service_layer.unit_of_work import UnitOfWork
from partners.settings import Settings


async def wiring(request: Request) -> Wiring:
    wired = request.app.state.wiring
    assert isinstance(wired, Wiring)
    return wired


Wired = Annotated[Wiring, Depends(wiring)]


async def settings(wired: Wired) -> Settings:
    return wired.settings


async def now(wired: Wired) -> datetime:
    return wired.clock()


async def unit_of_work(wired: Wired) -> AsyncIterator[UnitOfWork]:
    async with wired.uow() as uow:
        yield uow


Uow = Annotated[UnitOfWork, Depends(unit_of_work)]
Now = Annotated[datetime, Depends(now)]
PartnersSettings = Annotated[Settings, Depends(settings)]
