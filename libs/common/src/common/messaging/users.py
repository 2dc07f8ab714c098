"""Provision the bus's users: one RabbitMQ user per service, allowed only its own part of it.

    python -m common.messaging.users      # auth events bets wallet notifications partners gateway
    python -m common.messaging.users auth gateway          # only these

ARCHITECTURE.md §9: one user per producer, named as the producer, that may publish only its own
routing keys (``<producer>.*``); the gateway only consumes. Publishers set the AMQP ``user_id``,
which RabbitMQ checks against the login, and consumers check it against the envelope's
``producer`` (``common.messaging.identity``): a stolen or buggy process can neither publish under
another producer's keys nor claim another producer in a message body.

What each user may do in its virtual host (RabbitMQ's configure / write / read patterns):

============  ============  ===========================================  =====================
user          configure     write                                        read
============  ============  ===========================================  =====================
a service     its queues    the exchange, the DLX, ``amq.default``,       the exchange, the DLX,
                            its queues                                   its queues
``gateway``   its queues    its queues (to bind them)                    the exchange, its queues
============  ============  ===========================================  =====================

"Its queues" are ``<QUEUE_PREFIX><service>`` and every name below it (``bets.retry``,
``bets.dlq``, ``gateway.stream.<id>``). On the topic exchange each user may write only the routing
keys ``^<service>\\.`` (the gateway: none). The exchanges are the platform's: declared here, never
by a service, which has no configure right on them (so it cannot delete them either). The write
right on ``amq.default`` is what the inbox consumer's retry copies need; it also lets a service
drop a message straight into another's queue, which is why consumers check the user and do not
rely on the broker's permissions alone.

Works through the management HTTP API (``RABBITMQ_ADMIN_URL``). The passwords come from each
service's own ``<SVC>_RABBITMQ_URL`` (dev default ``common.settings.dev_rabbitmq_url``): rotating
one is a new secret, this command, a restart of that service (docs/runbook.md).
"""

from __future__ import annotations

import argparse
import asyncio
import os
import re
import sys
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from types import TracebackType
from typing import Any, Self
from urllib.parse import quote, unquote, urlsplit

import httpx

from common.settings import dev_rabbitmq_url

SERVICES = ("auth", "events", "bets", "wallet", "notifications", "partners", "gateway")
# Users that never publish: no write on the exchange, no routing key of their own.
CONSUME_ONLY = frozenset({"gateway"})
DEV_ADMIN_URL = "http://guest:guest@127.0.0.1:15672/"
_NAME = re.compile(r"^[a-z][a-z0-9_-]{0,62}$")


class ProvisioningError(RuntimeError):
    """The broker refused a change, or the settings cannot be provisioned as they are."""


@dataclass(frozen=True)
class BusLayout:
    """Where the platform's messages live: a virtual host, its exchange, the queues' prefix."""

    vhost: str = "/"
    exchange: str = "looseline"
    queue_prefix: str = ""

    @property
    def dead_letter_exchange(self) -> str:
        return f"{self.exchange}.dlx"  # as common.messaging.broker.Broker names it


@dataclass(frozen=True)
class BrokerUser:
    name: str
    password: str
    vhost: str

    @property
    def publishes(self) -> bool:
        return self.name not in CONSUME_ONLY

    @classmethod
    def from_url(cls, service: str, url: str) -> BrokerUser:
        """The login in ``service``'s ``<SVC>_RABBITMQ_URL``, which must be the service's own."""
        parts = urlsplit(url)
        user = unquote(parts.username or "guest")
        if not _NAME.match(service) or user != service:
            raise ProvisioningError(
                f"{service.upper()}_RABBITMQ_URL logs in as {user!r}: each service must log in "
                f"as its own user {service!r} (consumers check the user against the producer)"
            )
        if not parts.password:
            raise ProvisioningError(f"{service.upper()}_RABBITMQ_URL has no password")
        return cls(user, unquote(parts.password), unquote(parts.path[1:]) or "/")


@dataclass(frozen=True)
class Grants:
    """One user's permissions in a virtual host, and on its topic exchange."""

    configure: str
    write: str
    read: str
    topic_write: str
    topic_read: str = ".*"


def grants_for(user: str, layout: BusLayout) -> Grants:
    own = rf"{re.escape(layout.queue_prefix + user)}(\..+)?"
    exchange = re.escape(layout.exchange)
    dlx = re.escape(layout.dead_letter_exchange)
    if user in CONSUME_ONLY:
        return Grants(
            configure=f"^{own}$",
            write=f"^{own}$",  # queue.bind needs write on the queue, read on the exchange
            read=f"^({exchange}|{own})$",
            topic_write="^$",
        )
    return Grants(
        configure=f"^{own}$",
        write=rf"^({exchange}|{dlx}|amq\.default|{own})$",
        read=f"^({exchange}|{dlx}|{own})$",
        topic_write=rf"^{re.escape(user)}\.",
    )


class ManagementApi:
    """The few calls of RabbitMQ's management HTTP API that provisioning needs."""

    def __init__(self, admin_url: str, *, timeout_s: float = 10.0) -> None:
        parts = urlsplit(admin_url)
        self.base_url = (
            f"{parts.scheme}://{parts.hostname}:{parts.port or 15672}{parts.path.rstrip('/')}/api"
        )
        auth = (unquote(parts.username or "guest"), unquote(parts.password or "guest"))
        self._client = httpx.AsyncClient(base_url=self.base_url, auth=auth, timeout=timeout_s)

    async def __aenter__(self) -> Self:
        return self

    async def __aexit__(
        self, kind: type[BaseException] | None, exc: BaseException | None, tb: TracebackType | None
    ) -> None:
        await self._client.aclose()

    async def _call(self, method: str, path: str, body: Mapping[str, Any] | None = None) -> int:
        response = await self._client.request(method, path, json=body)
        if response.status_code >= 400 and response.status_code != 404:
            raise ProvisioningError(
                f"RabbitMQ management API: {method} {path} answered {response.status_code}: "
                f"{response.text[:300]}"
            )
        return response.status_code

    async def answers(self) -> bool:
        """Whether the API is up; a refused login raises (waiting would not fix it)."""
        try:
            await self._call("GET", "/overview")
        except httpx.TransportError:
            return False
        return True

    async def ensure_vhost(self, vhost: str) -> None:
        if await self._call("GET", f"/vhosts/{_q(vhost)}") == 404:
            await self._call("PUT", f"/vhosts/{_q(vhost)}", {})

    async def delete_vhost(self, vhost: str) -> None:
        await self._call("DELETE", f"/vhosts/{_q(vhost)}")

    async def ensure_exchange(self, vhost: str, name: str, kind: str) -> None:
        body = {"type": kind, "durable": True, "auto_delete": False, "internal": False}
        await self._call("PUT", f"/exchanges/{_q(vhost)}/{_q(name)}", {**body, "arguments": {}})

    async def user_exists(self, name: str) -> bool:
        return await self._call("GET", f"/users/{_q(name)}") == 200

    async def put_user(self, name: str, password: str) -> None:
        # No tags: a service user cannot use this API nor any management UI.
        await self._call("PUT", f"/users/{_q(name)}", {"password": password, "tags": ""})

    async def grant(self, vhost: str, user: str, grants: Grants, exchange: str) -> None:
        where = f"{_q(vhost)}/{_q(user)}"
        await self._call(
            "PUT",
            f"/permissions/{where}",
            {"configure": grants.configure, "write": grants.write, "read": grants.read},
        )
        await self._call(
            "PUT",
            f"/topic-permissions/{where}",
            {"exchange": exchange, "write": grants.topic_write, "read": grants.topic_read},
        )


def _q(segment: str) -> str:
    return quote(segment, safe="")


async def provision(
    api: ManagementApi,
    layout: BusLayout,
    users: Iterable[BrokerUser],
    *,
    keep_existing_passwords: bool = False,
) -> None:
    """Create the exchanges and users and set every user's permissions (idempotent).

    ``keep_existing_passwords``: a user that exists keeps its password (tests must never reset
    a deployment's); otherwise every password is set from the settings (rotation).
    """
    await api.ensure_vhost(layout.vhost)
    await api.ensure_exchange(layout.vhost, layout.exchange, "topic")
    await api.ensure_exchange(layout.vhost, layout.dead_letter_exchange, "direct")
    for user in users:
        if not (keep_existing_passwords and await api.user_exists(user.name)):
            await api.put_user(user.name, user.password)
        await api.grant(layout.vhost, user.name, grants_for(user.name, layout), layout.exchange)


def broker_user(service: str, env: Mapping[str, str] | None = None) -> BrokerUser:
    """``service``'s user from its ``<SVC>_RABBITMQ_URL`` (or the development default)."""
    env = os.environ if env is None else env
    url = env.get(f"{service.upper()}_RABBITMQ_URL") or dev_rabbitmq_url(service)
    return BrokerUser.from_url(service, url)


def users_from_env(
    services: Iterable[str], env: Mapping[str, str] | None = None
) -> tuple[BusLayout, list[BrokerUser]]:
    env = os.environ if env is None else env
    users = [broker_user(service, env) for service in services]
    vhosts = {user.vhost for user in users}
    if len(vhosts) != 1:
        raise ProvisioningError(f"the services' RABBITMQ_URLs name several vhosts: {vhosts}")
    layout = BusLayout(
        vhost=vhosts.pop(),
        exchange=env.get("EXCHANGE_NAME") or "looseline",
        queue_prefix=env.get("QUEUE_PREFIX", ""),
    )
    return layout, users


async def _wait_until_answers(api: ManagementApi, wait_s: float) -> None:
    """A broker just started (compose, a Job) opens its management port last: give it time."""
    deadline = asyncio.get_running_loop().time() + wait_s
    while not await api.answers():
        if asyncio.get_running_loop().time() > deadline:
            raise ProvisioningError(
                f"RabbitMQ's management API does not answer at {api.base_url} "
                "(RABBITMQ_ADMIN_URL; locally scripts/ensure-infra.sh enables it)"
            )
        await asyncio.sleep(1.0)


async def main(services: list[str], wait_s: float = 60.0) -> None:
    layout, users = users_from_env(services or SERVICES)
    async with ManagementApi(os.environ.get("RABBITMQ_ADMIN_URL") or DEV_ADMIN_URL) as api:
        await _wait_until_answers(api, wait_s)
        await provision(api, layout, users)
    for user in users:
        keys = f"publishes {user.name}.*" if user.publishes else "consumes only"
        print(f"users: {user.name} {keys} on {layout.exchange} (vhost {layout.vhost})", flush=True)


if __name__ == "__main__":
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("services", nargs="*", help=f"default: {' '.join(SERVICES)}")
    try:
        asyncio.run(main(parser.parse_args().services))
    except ProvisioningError as exc:
        sys.exit(f"users: {exc}")
