"""The deploy step ``common.messaging.declare``: a message published before the wallet has ever
run is kept for it, and handled once the wallet starts (without it, RabbitMQ drops it)."""

from __future__ import annotations

import asyncio
import uuid
from typing import Any

import aio_pika
from services.wallet.tests.support.ledger import WalletDb

from common.contracts.auth import UserRegistered
from common.messaging.broker import Broker
from common.messaging.declare import declare_queues
from common.messaging.envelope import wrap
from common.testing.broker import BrokerNamespace
from wallet.bootstrap import build
from wallet.settings import Settings


async def publish_user_registered(namespace: BrokerNamespace, user_id: uuid.UUID) -> None:
    broker = Broker(namespace.url_for("auth"), exchange_name=namespace.exchange_name)  # as auth
    await broker.start()
    try:
        await broker.wait_connected(10)
        registered = UserRegistered(
            user_id=user_id, email=f"{user_id.hex}@example.com", name="Early Bird"
        )
        envelope = wrap(registered)
        body = envelope.model_dump_json().encode()
        await broker.publish([(envelope.routing_key, body, str(envelope.event_id), {})])
    finally:
        await broker.stop()


async def waiting(namespace: BrokerNamespace, queue: str) -> int:
    connection = await aio_pika.connect(namespace.url)
    async with connection:
        channel = await connection.channel()
        declared = await channel.declare_queue(queue, passive=True)
        return declared.declaration_result.message_count or 0


async def wallet_opened(db: WalletDb, user_id: uuid.UUID) -> bool:
    async with db.engine.connect() as conn:
        found = await conn.exec_driver_sql(
            "SELECT 1 FROM wallet.wallet WHERE user_id = $1", (user_id,)
        )
        return found.first() is not None


async def test_queues_declared_before_any_wallet_runs_keep_early_messages(
    make_settings: Any, broker_namespace: BrokerNamespace, wallet_db: WalletDb
) -> None:
    # A queue prefix of this test's own: no wallet consumer of this session has declared it. It
    # stays under wallet's names, the only queues the wallet's broker user may create.
    prefix = f"{broker_namespace.queue_prefix}wallet.declare{uuid.uuid4().hex[:6]}."
    settings = make_settings(Settings, queue_prefix=prefix)
    names = await declare_queues(build(settings))
    for name in names:
        broker_namespace.track(name)
    assert names == [f"{prefix}wallet", f"{prefix}wallet.retry", f"{prefix}wallet.dlq"]

    user_id = uuid.uuid4()
    await publish_user_registered(broker_namespace, user_id)  # no wallet process is running
    assert await waiting(broker_namespace, names[0]) == 1

    runtime = build(settings)
    await runtime.start()
    try:
        for _ in range(300):
            if await wallet_opened(wallet_db, user_id):
                break
            await asyncio.sleep(0.05)
        assert await wallet_opened(wallet_db, user_id)
    finally:
        await runtime.stop()
    assert await waiting(broker_namespace, names[0]) == 0


async def test_declaring_twice_is_harmless(
    make_settings: Any, broker_namespace: BrokerNamespace
) -> None:
    prefix = f"{broker_namespace.queue_prefix}wallet.again{uuid.uuid4().hex[:6]}."
    settings = make_settings(Settings, queue_prefix=prefix)
    first = await declare_queues(build(settings))
    for name in first:
        broker_namespace.track(name)
    assert await declare_queues(build(settings)) == first
