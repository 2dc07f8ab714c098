"""Who may publish what, on the real broker (ARCHITECTURE.md §9; issue #20, "the bus is trusted
blindly").

Each service logs in as its own user, which may publish only its own routing keys; the gateway
may not publish at all; RabbitMQ refuses a ``user_id`` other than the login; and a consumer
dead-letters (and counts) a message whose verified publisher is not the producer its body
claims, however it reached the queue.
"""

from __future__ import annotations

import asyncio
import re
import uuid
from collections.abc import AsyncIterator
from pathlib import Path
from typing import Any, ClassVar

import aio_pika
import pytest
import yaml
from aiormq.exceptions import ChannelAccessRefused, ChannelPreconditionFailed
from prometheus_client import REGISTRY
from pydantic import BaseModel
from pydantic_settings import SettingsConfigDict
from sqlalchemy import text

from common.messaging.broker import Broker
from common.messaging.consumer import Consumer, MessageContext
from common.messaging.envelope import Envelope, MessageRegistry, MessageSpec
from common.messaging.users import (
    SERVICES,
    BrokerUser,
    BusLayout,
    ManagementApi,
    ProvisioningError,
    grants_for,
    main,
)
from common.settings import ServiceSettings
from common.testing.broker import BrokerNamespace


class Payout(BaseModel):
    """Stands for bets' ``BetSettled``: what a forger most wants the wallet to believe."""

    note: str


class Tick(BaseModel):
    """Stands for an events message the same consumer takes (so its queue is bound to it)."""

    note: str


REGISTRY_UNDER_TEST = MessageRegistry()
REGISTRY_UNDER_TEST.add(MessageSpec(producer="bets", type="Payout", version=1, model=Payout))
REGISTRY_UNDER_TEST.add(MessageSpec(producer="events", type="Tick", version=1, model=Tick))


def envelope(producer: Any, type_: str, note: str) -> Envelope:
    return Envelope(type=type_, version=1, producer=producer, payload={"note": note})


async def publish_raw(
    url: str,
    routing_key: str,
    message: Envelope,
    *,
    exchange: str | None,
    user_id: str | None,
    headers: dict[str, Any] | None = None,
) -> None:
    """One publish with confirms, as ``url``'s user; ``exchange=None``: the default exchange."""
    connection = await aio_pika.connect(url)
    async with connection:
        channel = await connection.channel(publisher_confirms=True)
        target = (
            channel.default_exchange if exchange is None else await channel.get_exchange(exchange)
        )
        await target.publish(
            aio_pika.Message(
                message.model_dump_json().encode(),
                message_id=str(message.event_id),
                user_id=user_id,
                headers=headers,
            ),
            routing_key=routing_key,
        )


@pytest.fixture
async def watch(broker_namespace: BrokerNamespace) -> AsyncIterator[Any]:
    """A queue (administrator's) bound to every ``bets.*`` key: what the wallet would receive."""
    name = f"{broker_namespace.queue_prefix}watch.{uuid.uuid4().hex[:6]}"
    connection = await aio_pika.connect(broker_namespace.url)
    channel = await connection.channel()
    queue = await channel.declare_queue(name, auto_delete=True)
    await queue.bind(await channel.get_exchange(broker_namespace.exchange_name), "bets.#")
    yield queue
    await connection.close()


async def test_a_service_cannot_publish_another_producers_routing_key(
    broker_namespace: BrokerNamespace, watch: Any
) -> None:
    forged = envelope("bets", "BetSettled", "forged by events")
    with pytest.raises(ChannelAccessRefused, match=r"bets\.BetSettled"):
        await publish_raw(
            broker_namespace.url_for("events"),
            "bets.BetSettled",
            forged,
            exchange=broker_namespace.exchange_name,
            user_id="events",
        )
    honest = envelope("bets", "BetSettled", "from bets")
    await broker_namespace.publish(honest)  # bets itself may
    first = await watch.get(timeout=5)
    assert Envelope.model_validate_json(first.body).event_id == honest.event_id  # nothing before


@pytest.mark.parametrize("routing_key", ["events.OddsChanged", "gateway.Anything"])
async def test_the_gateway_cannot_publish_at_all(
    broker_namespace: BrokerNamespace, routing_key: str
) -> None:
    with pytest.raises(ChannelAccessRefused):
        await publish_raw(
            broker_namespace.url_for("gateway"),
            routing_key,
            envelope("events", "OddsChanged", "from the public edge"),
            exchange=broker_namespace.exchange_name,
            user_id="gateway",
        )


async def test_a_user_id_other_than_the_login_is_refused_by_the_broker(
    broker_namespace: BrokerNamespace,
) -> None:
    with pytest.raises(ChannelPreconditionFailed, match="user_id"):
        await publish_raw(
            broker_namespace.url_for("events"),
            "events.Tick",
            envelope("events", "Tick", "spoofed"),
            exchange=broker_namespace.exchange_name,
            user_id="bets",
        )


async def test_every_service_publishes_with_its_own_user_id(
    broker_namespace: BrokerNamespace, watch: Any
) -> None:
    broker = Broker(broker_namespace.url_for("bets"), exchange_name=broker_namespace.exchange_name)
    await broker.start()
    try:
        await broker.wait_connected(10)
        message = envelope("bets", "BetSettled", "relay")
        await broker.publish(
            [(message.routing_key, message.model_dump_json().encode(), str(message.event_id), {})]
        )
    finally:
        await broker.stop()
    delivered = await watch.get(timeout=5)
    assert delivered.user_id == "bets"


# --- the consumer's check ----------------------------------------------------------------


def rejected(service: str) -> float:
    labels = {"service": service, "reason": "forged_producer"}
    return REGISTRY.get_sample_value("looseline_messages_rejected_total", labels) or 0.0


@pytest.fixture
async def wallet_broker(broker_namespace: BrokerNamespace) -> AsyncIterator[Broker]:
    broker = Broker(
        broker_namespace.url_for("wallet"), exchange_name=broker_namespace.exchange_name
    )
    await broker.start()
    await broker.wait_connected(10)
    yield broker
    await broker.stop()


@pytest.fixture
async def wallet_consumer(
    scratch: Any, wallet_broker: Broker, broker_namespace: BrokerNamespace
) -> AsyncIterator[tuple[Consumer, list[str]]]:
    """A consumer logged in as wallet that takes bets' Payout and events' Tick."""
    handled: list[str] = []
    attempts: dict[str, int] = {}

    async def record(payload: Payout | Tick, ctx: MessageContext) -> None:
        attempts[payload.note] = attempts.get(payload.note, 0) + 1
        if payload.note.startswith("flaky") and attempts[payload.note] == 1:
            raise RuntimeError("fails once: goes round the retry queue")
        handled.append(payload.note)
        await ctx.session.execute(
            text(f"INSERT INTO {ctx.schema}.effect (event_id, note) VALUES (:e, :n)"),
            {"e": ctx.envelope.event_id, "n": payload.note},
        )

    consumer = Consumer(
        # Its queues sit under wallet's own names (the only ones the wallet user may create).
        service=f"wallet.{scratch.schema}",
        schema=scratch.schema,
        broker=wallet_broker,
        sessionmaker=scratch.sessionmaker,
        subscriptions={Payout: record, Tick: record},
        queue_prefix=broker_namespace.queue_prefix,
        max_attempts=3,
        retry_delay_ms=100,
        message_registry=REGISTRY_UNDER_TEST,
    )
    await consumer.start()
    yield consumer, handled
    await consumer.stop()


async def dead_letters(
    consumer: Consumer, count: int
) -> list[aio_pika.abc.AbstractIncomingMessage]:
    assert consumer.queues is not None
    found = []
    async with asyncio.timeout(10):
        while len(found) < count:
            message = await consumer.queues.dead_letter.get(fail=False)
            if message is None:
                await asyncio.sleep(0.05)
                continue
            await message.ack()
            found.append(message)
    return found


@pytest.mark.parametrize(
    ("route", "user_id", "headers"),
    [
        ("events.Tick", "events", None),  # a key events may write, bound for this queue
        (None, "events", None),  # straight into the queue through the default exchange
        ("events.Tick", None, None),  # no user_id at all
        # The header a consumer's own retry copies carry, set by someone else: not believed.
        (None, "events", {"x-looseline-publisher": "bets"}),
    ],
    ids=["own-routing-key", "default-exchange", "no-user-id", "forged-publisher-header"],
)
async def test_a_body_claiming_another_producer_is_dead_lettered_and_counted(
    broker_namespace: BrokerNamespace,
    wallet_consumer: tuple[Consumer, list[str]],
    route: str | None,
    user_id: str | None,
    headers: dict[str, Any] | None,
) -> None:
    consumer, handled = wallet_consumer
    before = rejected(consumer.service)
    forged = envelope("bets", "Payout", "pay me 1 000 000")
    await publish_raw(
        broker_namespace.url_for("events"),
        route or consumer.names.main,
        forged,
        exchange=None if route is None else broker_namespace.exchange_name,
        user_id=user_id,
        headers=headers,
    )
    honest = envelope("bets", "Payout", "honest")
    await broker_namespace.publish(honest)

    [dead] = await dead_letters(consumer, 1)
    assert Envelope.model_validate_json(dead.body).event_id == forged.event_id
    assert dead.headers["x-looseline-dead-reason"] == "forged_producer"
    assert dead.headers["x-looseline-publisher"] == (user_id or "")
    async with asyncio.timeout(10):
        while "honest" not in handled:  # noqa: ASYNC110
            await asyncio.sleep(0.05)
    assert handled == ["honest"]  # the forged one never reached the handler
    assert rejected(consumer.service) == before + 1


async def test_a_replayed_forgery_stays_refused_and_a_retried_honest_message_passes(
    broker_namespace: BrokerNamespace, wallet_consumer: tuple[Consumer, list[str]]
) -> None:
    consumer, handled = wallet_consumer
    # Honest, failing once: its retry copy is republished by the wallet user, and still passes.
    flaky = envelope("bets", "Payout", "flaky honest")
    await broker_namespace.publish(flaky, envelope("events", "Tick", "tick"))
    async with asyncio.timeout(10):
        while len(handled) < 2:  # noqa: ASYNC110
            await asyncio.sleep(0.05)
    assert sorted(handled) == ["flaky honest", "tick"]

    # A forgery replayed from the DLQ by an operator (as the wallet user, headers kept).
    forged = envelope("bets", "Payout", "forged")
    await publish_raw(
        broker_namespace.url_for("events"),
        consumer.names.main,
        forged,
        exchange=None,
        user_id="events",
    )
    [dead] = await dead_letters(consumer, 1)
    await publish_raw(
        broker_namespace.url_for("wallet"),
        consumer.names.main,
        forged,
        exchange=None,
        user_id="wallet",
        headers={"x-looseline-publisher": dead.headers["x-looseline-publisher"]},
    )
    [again] = await dead_letters(consumer, 1)
    assert again.headers["x-looseline-dead-reason"] == "forged_producer"
    assert sorted(handled) == ["flaky honest", "tick"]


# --- what provisioning grants (RabbitMQ matches these patterns anywhere: they are anchored) ----


def allows(pattern: str, name: str) -> bool:
    return re.search(pattern, name) is not None


def test_a_service_configures_only_its_own_queues_and_publishes_only_its_own_keys() -> None:
    bets = grants_for("bets", BusLayout())
    for mine in ("bets", "bets.retry", "bets.dlq"):
        assert allows(bets.configure, mine)
        assert allows(bets.read, mine)
    for theirs in ("wallet", "wallet.dlq", "betsx", "looseline", "looseline.dlx", "amq.default"):
        assert not allows(bets.configure, theirs), theirs
    for target in ("looseline", "looseline.dlx", "amq.default", "bets.retry"):
        assert allows(bets.write, target), target
    assert not allows(bets.write, "wallet")  # cannot bind another service's queue
    assert allows(bets.topic_write, "bets.BetSettled")
    assert not allows(bets.topic_write, "wallet.StakeReserved")
    assert not allows(bets.topic_write, "betsx.BetSettled")


def test_the_gateway_may_bind_its_stream_queues_and_write_nothing_else() -> None:
    gateway = grants_for("gateway", BusLayout(queue_prefix="test_1."))
    assert allows(gateway.configure, "test_1.gateway.stream.0a1b2c")
    assert not allows(gateway.configure, "gateway.stream.0a1b2c")  # another deployment's
    for exchange in ("looseline", "looseline.dlx", "amq.default"):
        assert not allows(gateway.write, exchange), exchange
    assert allows(gateway.read, "looseline")  # to bind its queue
    assert not allows(gateway.topic_write, "events.OddsChanged")


def test_a_login_that_is_not_the_services_own_cannot_be_provisioned() -> None:
    with pytest.raises(ProvisioningError, match="own user 'bets'"):
        BrokerUser.from_url("bets", "amqp://looseline:s3cret@mq:5672/")
    with pytest.raises(ProvisioningError, match="no password"):
        BrokerUser.from_url("bets", "amqp://bets@mq:5672/")
    user = BrokerUser.from_url("bets", "amqps://bets:p%40ss@mq:5671/looseline")
    assert (user.name, user.password, user.vhost) == ("bets", "p@ss", "looseline")


def test_the_kubernetes_topology_grants_what_provisioning_grants() -> None:
    """The operator-run cluster's topology (deploy/k8s/components/rabbitmq-operator) never drifts
    from the tool."""
    manifest = (
        Path(__file__).resolve().parents[3]
        / "deploy/k8s/components/rabbitmq-operator/topology.yaml"
    )
    documents = list(yaml.safe_load_all(manifest.read_text()))
    layout = BusLayout(vhost="looseline", exchange="looseline")
    found = {(d["kind"], d["metadata"]["name"]): d["spec"] for d in documents}
    # Besides the services: KEDA's read-only user, which only reads queue depths (monitoring tag).
    assert {n for kind, n in found if kind == "User"} == set(SERVICES) | {"keda"}
    for service in SERVICES:
        grants = grants_for(service, layout)
        permission = found["Permission", service]
        assert permission["vhost"] == layout.vhost
        assert permission["permissions"] == {
            "configure": grants.configure,
            "write": grants.write,
            "read": grants.read,
        }
        assert found["TopicPermission", service]["permissions"] == {
            "exchange": layout.exchange,
            "write": grants.topic_write,
            "read": grants.topic_read,
        }
    assert found["Exchange", "looseline"]["type"] == "topic"
    assert found["Exchange", "looseline-dlx"]["name"] == layout.dead_letter_exchange


class LedgerSettings(ServiceSettings):
    model_config = SettingsConfigDict(env_prefix="LEDGER_")
    service_name: ClassVar[str] = "ledger"


def broker_login_refusal(url: str) -> str | None:
    """What production says about ``url`` as ledger's broker login (other settings aside)."""
    strong_db = "postgresql+asyncpg://looseline_ledger:Zq9-long-pw@db/looseline"
    try:
        LedgerSettings(environment="production", rabbitmq_url=url, database_url=strong_db)
    except ValueError as exc:
        found = re.search(r"LEDGER_RABBITMQ_URL \(([^)]*)\)", str(exc))
        return found.group(1) if found else None
    return None


def test_production_refuses_a_shared_or_development_broker_login() -> None:
    assert broker_login_refusal("amqps://looseline:s3cret-mq@mq:5671/") == (
        "logs in as 'looseline', not as the service's own user 'ledger'"
    )
    assert broker_login_refusal("amqps://ledger:ledger@mq:5671/") == "has a development password"
    assert broker_login_refusal("") == "logs in as 'guest', not as the service's own user 'ledger'"
    assert broker_login_refusal("amqps://ledger:s3cret-mq@mq:5671/") is None


async def test_the_provisioning_command_sets_up_a_virtual_host(
    broker_namespace: BrokerNamespace,
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
) -> None:
    """``make migrate``'s step, end to end, on a scratch virtual host (same users, same logins)."""
    vhost = f"{broker_namespace.vhost}_cli"
    for service in broker_namespace.users:
        url = broker_namespace.url_for(service).rsplit("/", 1)[0] + f"/{vhost}"
        monkeypatch.setenv(f"{service.upper()}_RABBITMQ_URL", url)
    monkeypatch.setenv("EXCHANGE_NAME", "looseline_cli")
    monkeypatch.setenv("QUEUE_PREFIX", "")
    monkeypatch.setenv("RABBITMQ_ADMIN_URL", broker_namespace.admin_api_url)
    try:
        await main(["events", "gateway"])
        assert capsys.readouterr().out.splitlines() == [
            f"users: events publishes events.* on looseline_cli (vhost {vhost})",
            f"users: gateway consumes only on looseline_cli (vhost {vhost})",
        ]
        events = Broker(
            broker_namespace.url_for("events").rsplit("/", 1)[0] + f"/{vhost}",
            exchange_name="looseline_cli",
        )
        await events.start()
        try:
            await events.wait_connected(10)  # the exchange exists, the login works
        finally:
            await events.stop()
    finally:
        async with ManagementApi(broker_namespace.admin_api_url) as api:
            await api.delete_vhost(vhost)
