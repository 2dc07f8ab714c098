"""The wallet's unit of work at the HTTP edge and for callers owning their transaction."""

from __future__ import annotations

import inspect
import uuid
from collections.abc import Callable, Iterator
from typing import Any

import pytest
from fastapi.dependencies.models import Dependant
from fastapi.routing import APIRoute
from services.wallet.tests.support.ledger import WalletDb, make_wallet

from wallet.entrypoints.api import admin, deposits, reports
from wallet.entrypoints.api import routes as routes_api
from wallet.service_layer.deposits.settle import credit
from wallet.service_layer.unit_of_work import WalletUnitOfWork


def _dependencies(dependant: Dependant) -> Iterator[Callable[..., Any]]:
    for sub in dependant.dependencies:
        if sub.call is not None:
            yield sub.call
        yield from _dependencies(sub)


def test_every_dependency_of_the_wallet_routes_is_async() -> None:
    """FastAPI runs a plain ``def`` dependency on a worker thread: a thread hop per request."""
    routers = (routes_api.router, admin.router, deposits.router, reports.router)  # as app.py
    routes = [r for router in routers for r in router.routes if isinstance(r, APIRoute)]
    assert len(routes) > 20
    sync = {
        f"{route.path}: {call.__qualname__}"
        for route in routes
        for call in _dependencies(route.dependant)
        if not (inspect.iscoroutinefunction(call) or inspect.isasyncgenfunction(call))
    }
    assert sync == set()


def test_every_wallet_route_reads_on_a_unit_of_work_not_a_bare_session() -> None:
    """Reads too open the route's unit of work (docs/architecture.md, "How to add a handler",
    4b); only ``GET /balance`` reads on an autocommit connection of its own."""
    bare = [
        f"{module.__name__}:{number}"
        for module in (routes_api, admin, deposits, reports)
        for number, line in enumerate(inspect.getsource(module).splitlines(), 1)
        if "services.db()" in line
    ]
    assert bare == []


async def test_a_unit_of_work_joining_a_transaction_leaves_the_commit_to_its_owner(
    wallet_db: WalletDb,
) -> None:
    user = await make_wallet(wallet_db)
    operation = uuid.uuid4()

    async def credit_then_roll_back() -> None:
        async with wallet_db.sessionmaker.begin() as session:
            uow = WalletUnitOfWork.joining(session)
            credited = await credit(uow, user_id=user, operation_id=operation, amount_minor=700)
            assert credited.credited_now
            raise RuntimeError("the owner rolls its transaction back")

    with pytest.raises(RuntimeError):
        await credit_then_roll_back()
    assert await wallet_db.balances(user) == (0, 0)
    assert await wallet_db.emitted("DepositCompleted", operation_id=operation) == []

    async with wallet_db.sessionmaker.begin() as session:
        await credit(
            WalletUnitOfWork.joining(session),
            user_id=user,
            operation_id=operation,
            amount_minor=700,
        )
    assert await wallet_db.balances(user) == (700, 0)
    assert len(await wallet_db.emitted("DepositCompleted", operation_id=operation)) == 1
