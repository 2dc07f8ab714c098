"""An isolated RabbitMQ namespace per test session: a virtual host of its own, with its exchange.

``create()`` provisions it exactly as a deployment is provisioned (``common.messaging.users``):
the exchanges, and every service's user with its permissions, so each test talks to the bus as
the right user and a wrong permission fails here first. ``cleanup()`` deletes the virtual host
and everything in it. A user that already exists keeps its password: tests never reset a
deployment's; they log in with the passwords in ``<SVC>_RABBITMQ_URL`` (dev defaults otherwise).

- ``url``: the administrator's AMQP URL into the virtual host (taps, assertions on queues);
- ``url_for("bets")``: the URL bets' processes use (``make_settings`` sets it);
- ``publish(*envelopes)``: publish each envelope as its producer would, from its own user
  (``publish_as_producers`` does the same next to any login, e.g. a service runtime's).
"""

from __future__ import annotations

import asyncio
import uuid
from contextlib import AsyncExitStack
from urllib.parse import quote, urlsplit, urlunsplit

import aio_pika

from common.messaging.broker import Broker, QueueNames
from common.messaging.envelope import Envelope
from common.messaging.users import (
    SERVICES,
    BrokerUser,
    BusLayout,
    ManagementApi,
    ProvisioningError,
    broker_user,
    provision,
)


class BrokerNamespace:
    def __init__(self, url: str, admin_url: str, services: tuple[str, ...] = SERVICES) -> None:
        token = uuid.uuid4().hex[:10]
        self.admin_api_url = admin_url
        self.vhost = f"looseline_test_{token}"
        self.exchange_name = f"looseline_test_{token}"
        self.queue_prefix = f"test_{token}."
        self.url = _in_vhost(url, self.vhost)
        self.users: dict[str, BrokerUser] = {s: broker_user(s) for s in services}
        self._queues: set[str] = set()

    @property
    def layout(self) -> BusLayout:
        return BusLayout(self.vhost, self.exchange_name, self.queue_prefix)

    def url_for(self, service: str) -> str:
        """``service``'s own login into this namespace (what its ``<SVC>_RABBITMQ_URL`` is)."""
        return as_user(self.url, self.users[service])

    async def create(self) -> None:
        async with ManagementApi(self.admin_api_url) as api:
            await provision(api, self.layout, self.users.values(), keep_existing_passwords=True)
        await asyncio.gather(*(self._check_login(s) for s in self.users))

    async def _check_login(self, service: str) -> None:
        try:
            connection = await aio_pika.connect(self.url_for(service), timeout=10)
        except aio_pika.exceptions.ProbableAuthenticationError as exc:
            raise ProvisioningError(
                f"RabbitMQ user {service!r} exists with another password than the tests use: "
                f"set {service.upper()}_RABBITMQ_URL to its login, or rerun "
                "`python -m common.messaging.users` with it"
            ) from exc
        await connection.close()

    def queue_names(self, service: str) -> QueueNames:
        names = QueueNames.for_service(self.queue_prefix, service)
        self._queues.update((names.main, names.retry, names.dead_letter))
        return names

    def track(self, queue: str) -> None:
        """Kept for callers that name their queues; the virtual host takes them all with it."""
        self._queues.add(queue)

    async def publish(self, *envelopes: Envelope) -> None:
        """Publish in order, each envelope from its producer's own user (as its relay does)."""
        await publish_as_producers(self.url, self.exchange_name, *envelopes)

    async def cleanup(self) -> None:
        async with ManagementApi(self.admin_api_url) as api:
            await api.delete_vhost(self.vhost)


async def publish_as_producers(url: str, exchange_name: str, *envelopes: Envelope) -> None:
    """Publish in order, each envelope as its producer's user, on ``url``'s broker and vhost."""
    async with AsyncExitStack() as stack:
        brokers: dict[str, Broker] = {}
        for producer in dict.fromkeys(e.producer for e in envelopes):
            broker = Broker(as_user(url, broker_user(producer)), exchange_name=exchange_name)
            stack.push_async_callback(broker.stop)
            await broker.start()
            await broker.wait_connected(10)
            brokers[producer] = broker
        for envelope in envelopes:  # one by one, confirmed: the order holds across users
            body = envelope.model_dump_json().encode()
            await brokers[envelope.producer].publish(
                [(envelope.routing_key, body, str(envelope.event_id), {})]
            )


def as_user(url: str, user: BrokerUser) -> str:
    """``url`` (any login) with ``user``'s login instead: same broker, same virtual host."""
    parts = urlsplit(url)
    login = f"{quote(user.name, safe='')}:{quote(user.password, safe='')}"
    netloc = f"{login}@{parts.netloc.rpartition('@')[2]}"
    return urlunsplit((parts.scheme, netloc, parts.path, "", ""))


def _in_vhost(url: str, vhost: str) -> str:
    parts = urlsplit(url)
    return urlunsplit((parts.scheme, parts.netloc, f"/{quote(vhost, safe='')}", "", ""))
