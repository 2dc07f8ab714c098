#!/usr/bin/env python3
"""Message bus throughput on the real PostgreSQL and RabbitMQ (``make bench``).

Measures, on a fresh database and an isolated broker namespace:
1. writing messages to the outbox (100 per business transaction),
2. the relay publishing them with publisher confirms (1 and 2 relays),
3. an inbox-backed consumer handling them (one effect row each), per-message vs batched.
Figures go to docs/benchmarks.md by hand; the script prints a Markdown table.
"""

from __future__ import annotations

import argparse
import asyncio
import time
import uuid
from typing import Any

from alembic.migration import MigrationContext
from alembic.operations import Operations
from pydantic import BaseModel
from sqlalchemy import text

from common.db import create_engine, create_sessionmaker
from common.messaging.broker import Broker
from common.messaging.consumer import Consumer, MessageContext
from common.messaging.envelope import Envelope, MessageRegistry, MessageSpec
from common.messaging.outbox import add_to_outbox
from common.messaging.relay import OutboxRelay
from common.messaging.tables import create_messaging_tables_v1
from common.testing.broker import BrokerNamespace
from common.testing.database import TestDatabase
from common.testing.infra import discover


class Tick(BaseModel):
    n: int


REGISTRY = MessageRegistry()
# Published as bets, by bets' own broker user (the only one allowed bets.* keys).
REGISTRY.add(MessageSpec(producer="bets", type="Tick", version=1, model=Tick))


def tick(n: int) -> Envelope:
    return Envelope(type="Tick", version=1, producer="bets", payload={"n": n})


async def wait_until(check: Any, timeout_s: float = 300) -> None:
    deadline = time.perf_counter() + timeout_s
    while not await check():
        if time.perf_counter() > deadline:
            raise TimeoutError("benchmark step did not finish")
        await asyncio.sleep(0.02)


async def main(count: int) -> None:
    infra = await discover()
    database = TestDatabase(infra.postgres_admin_url)
    await database.create()
    namespace = BrokerNamespace(infra.rabbitmq_url, infra.rabbitmq_admin_url)
    await namespace.create()
    url = database.admin_dsn.replace("postgresql://", "postgresql+asyncpg://", 1)
    engine = create_engine(url, pool_size=10)
    sessionmaker = create_sessionmaker(engine)
    broker = Broker(namespace.url_for("bets"), exchange_name=namespace.exchange_name)
    rows: list[tuple[str, str]] = []
    try:
        await broker.start()
        await broker.wait_connected(10)

        async def unpublished() -> int:
            async with engine.connect() as conn:
                return int(
                    await conn.scalar(
                        text(f"SELECT count(*) FROM {schema}.outbox WHERE published_at IS NULL")
                    )
                )

        for relays in (1, 2):
            schema = f"bench_{relays}"
            async with engine.begin() as conn:
                await conn.execute(text(f"CREATE SCHEMA {schema}"))
                await conn.run_sync(
                    lambda c, s=schema: create_messaging_tables_v1(
                        Operations(MigrationContext.configure(c)), s
                    )
                )
                await conn.execute(text(f"CREATE TABLE {schema}.effect (n int)"))

            started = time.perf_counter()
            for first in range(0, count, 100):
                async with sessionmaker.begin() as session:
                    await add_to_outbox(
                        session, schema, *(tick(i) for i in range(first, first + 100))
                    )
            rows.append(
                (
                    f"outbox writes (100 per transaction, schema {schema})",
                    f"{count / (time.perf_counter() - started):,.0f} msg/s",
                )
            )

            relay_tasks = [
                asyncio.create_task(
                    OutboxRelay(
                        service="bench",
                        schema=schema,
                        engine=engine,
                        broker=broker,
                        database_url=url,
                        batch_size=200,
                    ).run()
                )
                for _ in range(relays)
            ]
            started = time.perf_counter()
            await wait_until(lambda: _zero(unpublished))
            rows.append(
                (
                    f"relay publish with confirms, {relays} relay(s)",
                    f"{count / (time.perf_counter() - started):,.0f} msg/s",
                )
            )
            for task in relay_tasks:
                task.cancel()
            await asyncio.gather(*relay_tasks, return_exceptions=True)

        for batch_size in (1, 100):
            schema = "bench_1"
            service = f"bets.bench-consumer-{batch_size}-{uuid.uuid4().hex[:6]}"  # bets' queues
            namespace.queue_names(service)

            async def handle(payload: Tick, ctx: MessageContext, s: str = schema) -> None:
                await ctx.session.execute(
                    text(f"INSERT INTO {s}.effect (n) VALUES (:n)"), {"n": payload.n}
                )

            consumer = Consumer(
                service=service,
                schema=schema,
                broker=broker,
                sessionmaker=sessionmaker,
                subscriptions={Tick: handle},
                queue_prefix=namespace.queue_prefix,
                prefetch=200,
                batch_size=batch_size,
                concurrency=2,
                message_registry=REGISTRY,
            )
            await consumer.start()
            async with engine.begin() as conn:
                await conn.execute(text(f"TRUNCATE {schema}.effect, {schema}.inbox"))
            await broker.publish(
                ("gateway.Tick", e.model_dump_json().encode(), str(e.event_id), {})
                for e in (tick(i) for i in range(count))
            )
            started = time.perf_counter()

            async def done(s: str = schema) -> bool:
                async with engine.connect() as conn:
                    return int(await conn.scalar(text(f"SELECT count(*) FROM {s}.effect"))) >= count

            await wait_until(done)
            rows.append(
                (
                    f"consumer with inbox, batch size {batch_size}",
                    f"{count / (time.perf_counter() - started):,.0f} msg/s",
                )
            )
            await consumer.stop()
    finally:
        await broker.stop()
        await engine.dispose()
        await namespace.cleanup()
        await database.drop()
        infra.stop()

    print(f"\n{count:,} messages per step\n\n| step | throughput |\n|---|---|")
    for step, figure in rows:
        print(f"| {step} | {figure} |")


async def _zero(unpublished: Any) -> bool:
    return int(await unpublished()) == 0


if __name__ == "__main__":
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--count", type=int, default=20_000)
    asyncio.run(main(parser.parse_args().count))
