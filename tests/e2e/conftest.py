"""The platform fixture: real processes on free ports, a database and broker namespace of the run.

``platform`` is module-scoped and parametrized by replica count: the suite runs once against one
process of everything, then against two of every service behind two gateways. Whatever happens,
every process is stopped, the database dropped and the broker namespace deleted; a failing test
gets every process's log tail in its report.
"""

from __future__ import annotations

import atexit
import os
import uuid
from collections.abc import AsyncIterator, Generator
from typing import Any

import pytest
from redis.asyncio import Redis
from tests.e2e.client import Platform
from tests.e2e.processes import DOMAIN_SERVICES, PlatformLayout, stop_all, wait_ready

from common.testing.broker import BrokerNamespace
from common.testing.database import TestDatabase
from common.testing.infra import Infrastructure

READY_TIMEOUT_S = 90.0


@pytest.fixture(scope="module", params=[1, 2], ids=["one-replica", "two-replicas"])
async def platform(
    request: pytest.FixtureRequest,
    infrastructure: Infrastructure,
    tmp_path_factory: pytest.TempPathFactory,
) -> AsyncIterator[Platform]:
    replicas: int = request.param
    database = TestDatabase(infrastructure.postgres_admin_url)
    namespace = BrokerNamespace(infrastructure.rabbitmq_url)
    redis_prefix = f"looseline_e2e_{uuid.uuid4().hex[:10]}:"
    layout = PlatformLayout(
        replicas=replicas,
        database_urls={svc: database.url_for(svc) for svc in DOMAIN_SERVICES},
        rabbitmq_url=infrastructure.rabbitmq_url,
        exchange_name=namespace.exchange_name,
        queue_prefix=namespace.queue_prefix,
        redis_url=infrastructure.redis_url,
        redis_prefix=redis_prefix,
        log_dir=tmp_path_factory.mktemp(f"e2e-{replicas}-replica"),
    )
    processes = layout.processes()
    for process in processes:
        # The services' queues carry the namespace prefix: deleted with it afterwards.
        if process.name.split("-")[0] in DOMAIN_SERVICES:
            namespace.queue_names(process.name.split("-")[0])
    live = Platform(layout, processes, database)
    request.node.e2e_platform = live  # for the log sections of a failing test's report
    # Should pytest itself be interrupted before the teardown below: no orphans either.
    atexit.register(stop_all, processes, 5.0)
    try:
        await database.create()
        for service in DOMAIN_SERVICES:
            await database.migrate(service)
        for phase in (0, 1):
            starting = [p for p in processes if p.phase == phase]
            for process in starting:
                process.start()
            await wait_ready(starting, READY_TIMEOUT_S)
        await live.open()
        yield live
    finally:
        await live.close()
        stop_all(processes)
        atexit.unregister(stop_all)
        if not os.environ.get("KEEP_TEST_DATABASE"):
            await database.drop()
        await namespace.cleanup()
        await _forget_redis_keys(infrastructure.redis_url, redis_prefix)


async def _forget_redis_keys(url: str, prefix: str) -> None:
    client = Redis.from_url(url)
    try:
        keys = [key async for key in client.scan_iter(match=f"{prefix}*", count=500)]
        if keys:
            await client.delete(*keys)
    finally:
        await client.aclose()


@pytest.hookimpl(wrapper=True)
def pytest_runtest_makereport(
    item: pytest.Item, call: pytest.CallInfo[Any]
) -> Generator[None, pytest.TestReport, pytest.TestReport]:
    report = yield
    if report.failed:
        live = _platform_of(item)
        if live is not None:
            for process in live.processes:
                report.sections.append((f"log: {process.name}", process.log_tail(40)))
    return report


def _platform_of(item: pytest.Item) -> Platform | None:
    funcargs = getattr(item, "funcargs", {})
    live = funcargs.get("platform")
    if isinstance(live, Platform):
        return live
    module = item.getparent(pytest.Module)
    found = getattr(module, "e2e_platform", None) if module is not None else None
    return found if isinstance(found, Platform) else None


def pytest_configure(config: pytest.Config) -> None:
    config.addinivalue_line("markers", "e2e: the black-box suite over real processes (slow)")
