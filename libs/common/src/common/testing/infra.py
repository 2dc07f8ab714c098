"""Where the tests find PostgreSQL, RabbitMQ and Redis.

Order: configured URLs (``TEST_DB_ADMIN_URL``/``DB_ADMIN_URL``, ``RABBITMQ_URL`` and
``RABBITMQ_ADMIN_URL``, ``REDIS_URL``) → the local services on their default ports →
testcontainers when a Docker engine answers → a clear error naming what is missing and how to
provide it. RabbitMQ is an administrator's login twice over: AMQP (``RABBITMQ_URL``) for taps and
assertions, the management API (``RABBITMQ_ADMIN_URL``) to provision each session's virtual
host and the services' users (``common.testing.broker``).
"""

from __future__ import annotations

import asyncio
import contextlib
import os
import socket
from collections.abc import Awaitable, Callable
from dataclasses import dataclass, field
from typing import Any
from urllib.parse import urlsplit

import aio_pika
import asyncpg

from common.db import libpq_url
from common.messaging.users import DEV_ADMIN_URL, ManagementApi, ProvisioningError

LOCAL_POSTGRES = "postgresql://postgres@127.0.0.1:5432/postgres"
LOCAL_RABBITMQ = "amqp://guest:guest@127.0.0.1:5672/"
LOCAL_RABBITMQ_ADMIN = DEV_ADMIN_URL
LOCAL_REDIS = "redis://127.0.0.1:6379/0"


class InfrastructureMissing(RuntimeError):
    pass


@dataclass
class Infrastructure:
    postgres_admin_url: str
    rabbitmq_url: str
    redis_url: str
    rabbitmq_admin_url: str = LOCAL_RABBITMQ_ADMIN
    containers: list[Any] = field(default_factory=list)

    def stop(self) -> None:
        for container in self.containers:
            with contextlib.suppress(Exception):
                container.stop()


async def _postgres_answers(url: str) -> bool:
    try:
        conn = await asyncpg.connect(libpq_url(url), timeout=3)
    except (OSError, asyncpg.PostgresError, TimeoutError):
        return False
    await conn.close()
    return True


async def _management_answers(url: str) -> bool:
    async with ManagementApi(url, timeout_s=3) as api:
        try:
            return await api.answers()
        except ProvisioningError:  # e.g. a refused login: not this candidate
            return False


async def _rabbitmq_answers(url: str) -> bool:
    try:
        connection = await aio_pika.connect(url, timeout=3)
    except (OSError, TimeoutError, aio_pika.exceptions.AMQPError):
        return False
    await connection.close()
    return True


def _port_open(url: str) -> bool:
    parts = urlsplit(url)
    try:
        with socket.create_connection((parts.hostname or "127.0.0.1", parts.port or 6379), 2):
            return True
    except OSError:
        return False


def _docker_answers() -> bool:
    try:
        import docker  # testcontainers' dependency

        docker.from_env(timeout=3).ping()
    except Exception:
        return False
    return True


async def _first(candidates: list[str], answers: Callable[[str], Awaitable[bool]]) -> str | None:
    for url in candidates:
        if await answers(url):
            return url
    return None


async def discover() -> Infrastructure:
    containers: list[Any] = []
    missing: list[str] = []

    pg_candidates = [
        u
        for u in (
            os.environ.get("TEST_DB_ADMIN_URL"),
            os.environ.get("DB_ADMIN_URL"),
            LOCAL_POSTGRES,
        )
        if u
    ]
    pg_url = await _first(pg_candidates, _postgres_answers)
    mq_candidates = [u for u in (os.environ.get("RABBITMQ_URL"), LOCAL_RABBITMQ) if u]
    mq_url = await _first(mq_candidates, _rabbitmq_answers)
    admin_candidates = [
        u for u in (os.environ.get("RABBITMQ_ADMIN_URL"), LOCAL_RABBITMQ_ADMIN) if u
    ]
    admin_url = await _first(admin_candidates, _management_answers) if mq_url else None
    redis_candidates = [u for u in (os.environ.get("REDIS_URL"), LOCAL_REDIS) if u]
    redis_url = next((u for u in redis_candidates if _port_open(u)), None)

    if (pg_url is None or admin_url is None or redis_url is None) and _docker_answers():
        pg_url, (mq_url, admin_url), redis_url = await asyncio.to_thread(
            _start_containers, containers, pg_url, (mq_url, admin_url), redis_url
        )
    if pg_url is None:
        missing.append(
            f"PostgreSQL (tried {', '.join(_safe(u) for u in pg_candidates)}; set "
            "TEST_DB_ADMIN_URL to a superuser URL or start the local server)"
        )
    if mq_url is None:
        missing.append(
            f"RabbitMQ (tried {', '.join(_safe(u) for u in mq_candidates)}; set "
            "RABBITMQ_URL or run `rabbitmq-server -detached`)"
        )
    elif admin_url is None:
        missing.append(
            f"RabbitMQ's management API (tried {', '.join(_safe(u) for u in admin_candidates)}; "
            "set RABBITMQ_ADMIN_URL or run scripts/ensure-infra.sh, which enables the plugin)"
        )
    if redis_url is None:
        missing.append("Redis (set REDIS_URL or run `redis-server --daemonize yes`)")
    if missing:
        raise InfrastructureMissing(
            "tests need real services and found none for: "
            + "; ".join(missing)
            + ". No Docker engine answered for testcontainers either."
        )
    assert pg_url is not None
    assert mq_url is not None
    assert admin_url is not None
    assert redis_url is not None
    return Infrastructure(
        pg_url, mq_url, redis_url, rabbitmq_admin_url=admin_url, containers=containers
    )


def _start_containers(
    containers: list[Any],
    pg: str | None,
    mq: tuple[str | None, str | None],
    redis: str | None,
) -> tuple[str | None, tuple[str | None, str | None], str | None]:
    if pg is None:
        from testcontainers.postgres import PostgresContainer

        postgres = PostgresContainer("postgres:15", driver=None).start()
        containers.append(postgres)
        pg = postgres.get_connection_url()
    if mq[1] is None:  # the management API provisions the session's users
        from testcontainers.rabbitmq import RabbitMqContainer

        rabbitmq = RabbitMqContainer("rabbitmq:3.13-management").with_exposed_ports(15672)
        rabbitmq.start()
        containers.append(rabbitmq)
        host = rabbitmq.get_container_host_ip()
        mq = (
            f"amqp://guest:guest@{host}:{rabbitmq.get_exposed_port(5672)}/",
            f"http://guest:guest@{host}:{rabbitmq.get_exposed_port(15672)}/",
        )
    if redis is None:
        from testcontainers.redis import RedisContainer

        cache = RedisContainer("redis:7").start()
        containers.append(cache)
        redis = f"redis://{cache.get_container_host_ip()}:{cache.get_exposed_port(6379)}/0"
    return pg, mq, redis


def _safe(url: str) -> str:
    parts = urlsplit(url)
    return f"{parts.scheme}://{parts.hostname}:{parts.port}"
