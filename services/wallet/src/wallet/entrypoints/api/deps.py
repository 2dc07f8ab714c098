"""What routes need, wired once by the app factory (``Depends`` only at the HTTP edge).

All ``async def``, trivial as they are: FastAPI runs a plain ``def`` dependency on a worker
thread, a thread hop per dependency per request. Every route opens one ``WalletUnitOfWork``
(``run_idempotent`` does, or the route itself); one that writes commits it, a read commits
nothing (only ``GET /balance`` reads on an autocommit connection of its own).
"""

from __future__ import annotations

import uuid
from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from typing import Annotated, Any

from fastapi import Depends, Request
from fastapi.responses import JSONResponse
from pydantic import BaseModel
from sqlalchemy.ext.asyncio import AsyncEngine, AsyncSession, async_sessionmaker

from common.client_address import client_address, user_agent
from common.db import DatabaseHandles
from common.errors import DomainError
from common.idempotency import Claim, IdempotencyStore, run_once
from wallet.adapters.crypto import FieldCipher
from wallet.domain.audit import ClientInfo
from wallet.service_layer.unit_of_work import WalletUnitOfWork
from wallet.settings import Settings


@dataclass
class WalletServices(DatabaseHandles):
    settings: Settings
    cipher: FieldCipher
    idempotency: IdempotencyStore
    engine: AsyncEngine | None = None
    sessionmaker: async_sessionmaker[AsyncSession] | None = None


async def wallet_services(request: Request) -> WalletServices:
    services = request.app.state.wallet
    assert isinstance(services, WalletServices)
    return services


Services = Annotated[WalletServices, Depends(wallet_services)]


async def client_info(request: Request) -> ClientInfo:
    """The client as the gateway vouches for it (X-Real-IP from TRUSTED_GATEWAY_NETWORKS), else
    the TCP peer; and its agent."""
    return ClientInfo(ip_address=client_address(request), user_agent=user_agent(request))


Client = Annotated[ClientInfo, Depends(client_info)]

# An operation: given the open unit of work, the answer (status, JSON body).
Operation = Callable[[WalletUnitOfWork], Awaitable[tuple[int, Any]]]
OnRefused = Callable[[DomainError], Awaitable[None]]


async def run_idempotent(
    request: Request,
    services: WalletServices,
    *,
    user_id: uuid.UUID,
    body: BaseModel | dict[str, Any],
    operation: Operation,
    on_refused: OnRefused | None = None,
) -> JSONResponse:
    """Run a mutating call once per ``Idempotency-Key`` (if sent) and answer it.

    The answer is recorded in the operation's own unit of work, committed with it; a refusal
    (4xx) is recorded after it and replayed too; any other error frees the key for a retry.
    The key is the caller's (``user_id``); a retry must send the same ``body``.
    """

    async def run(claim: Claim | None) -> JSONResponse:
        async with WalletUnitOfWork(services.db) as uow:
            status_code, answer = await operation(uow)
            if claim is not None:
                await services.idempotency.record(uow.db, claim, status_code, answer)
            await uow.commit()
        return JSONResponse(answer, status_code=status_code)

    try:
        return await run_once(
            services.idempotency,
            services.db_engine,
            request,
            user_id=str(user_id),
            body=body.model_dump(mode="json") if isinstance(body, BaseModel) else body,
            run=run,
        )
    except DomainError as exc:
        if on_refused is not None:
            await on_refused(exc)
        raise
