"""Start the whole platform as real processes, and take it all down again.

One database, one broker namespace and one Redis prefix per run. Whatever happens, every
process is stopped, the database dropped and the broker namespace deleted. Used by the
black-box journey (tests/e2e) and the security suite (tests/security).
"""

from __future__ import annotations

import atexit
import os
import uuid
from collections.abc import AsyncIterator, Callable
from contextlib import asynccontextmanager
from pathlib import Path
from typing import Protocol

from tests.e2e.client import Platform
from tests.e2e.processes import DOMAIN_SERVICES, PlatformLayout, stop_all, wait_ready

from common.testing.broker import BrokerNamespace
from common.testing.database import TestDatabase
from common.testing.infra import Infrastructure
from common.testing.plugin import forget_redis_keys

READY_TIMEOUT_S = 90.0


class LogDirs(Protocol):
    """Where each run's process logs go: pytest's ``tmp_path_factory``, or the bench's own."""

    def mktemp(self, basename: str, numbered: bool = True) -> Path: ...


@asynccontextmanager
async def running_platform(
    infrastructure: Infrastructure,
    tmp_path_factory: LogDirs,
    replicas: int,
    extra_env: dict[str, str] | None = None,
    rewire: Callable[[PlatformLayout], None] | None = None,
    replicas_of: dict[str, int] | None = None,
) -> AsyncIterator[Platform]:
    """Every service (``replicas`` of each, and as many gateways) ready behind its gateways;
    ``replicas_of`` gives one service (or ``"gateway"``) a count of its own.

    ``rewire`` may change the layout before any process is made from it (the chaos run points
    one service's database or broker URL at a fault-injecting proxy)."""
    database = TestDatabase(infrastructure.postgres_admin_url)
    namespace = BrokerNamespace(infrastructure.rabbitmq_url, infrastructure.rabbitmq_admin_url)
    redis_prefix = f"looseline_e2e_{uuid.uuid4().hex[:10]}:"
    layout = PlatformLayout(
        replicas=replicas,
        database_urls={svc: database.url_for(svc) for svc in DOMAIN_SERVICES},
        rabbitmq_urls={svc: namespace.url_for(svc) for svc in (*DOMAIN_SERVICES, "gateway")},
        exchange_name=namespace.exchange_name,
        queue_prefix=namespace.queue_prefix,
        redis_url=infrastructure.redis_url,
        redis_prefix=redis_prefix,
        log_dir=tmp_path_factory.mktemp(f"e2e-{replicas}-replica"),
        extra_env=dict(extra_env or {}),
        replicas_of=dict(replicas_of or {}),
    )
    if rewire is not None:
        rewire(layout)
    processes = layout.processes()
    for process in processes:
        # The services' queues carry the namespace prefix: deleted with it afterwards.
        if process.name.split("-")[0] in DOMAIN_SERVICES:
            namespace.queue_names(process.name.split("-")[0])
    live = Platform(layout, processes, database)
    # Should pytest itself be interrupted before the teardown below: no orphans either.
    atexit.register(stop_all, processes, 5.0)
    try:
        await database.create()
        await namespace.create()  # the run's vhost, exchanges and the services' broker users
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
        await forget_redis_keys(infrastructure.redis_url, redis_prefix)
