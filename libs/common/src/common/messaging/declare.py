"""Declare the services' queues before any service starts (a deploy step, like migrations).

    python -m common.messaging.declare auth events bets wallet

RabbitMQ drops a message that no queue is bound for. On a first deploy a publisher may start
before the consumer that needs its messages has ever declared its queue (auth publishes the
first admin's ``UserRegistered`` as it boots; if wallet's queue did not exist yet, that admin
would never get a wallet). Declaring every consumer's durable queues and bindings first — with
the same arguments each service uses — closes the gap; later starts find them in place.

Each named service is built from its own settings (``<svc>.settings.Settings``) and
composition root (``<svc>.bootstrap.build``), imported by name so libs/common depends on no
service. It connects as that service's own broker user, so the users and exchanges must exist
first (``python -m common.messaging.users``, the step before this one in ``make migrate``).
"""

from __future__ import annotations

import argparse
import asyncio
import importlib
from typing import Any

from common.runtime import ServiceRuntime


def runtime_of(service: str) -> ServiceRuntime:
    settings: Any = importlib.import_module(f"{service}.settings").Settings()
    runtime = importlib.import_module(f"{service}.bootstrap").build(settings)
    if not isinstance(runtime, ServiceRuntime):
        raise SystemExit(f"{service}: bootstrap.build() did not return a ServiceRuntime")
    return runtime


async def declare_queues(runtime: ServiceRuntime, timeout_s: float = 60.0) -> list[str]:
    """The service's queue names, declared with their bindings (nothing consumed)."""
    if runtime.broker is None or runtime.consumer is None:
        return []
    try:
        await runtime.broker.start()
        await runtime.broker.wait_connected(timeout_s)
        queues = await runtime.consumer.declare()
        return [queues.main.name, queues.retry.name, queues.dead_letter.name]
    finally:
        await runtime.stop()


async def main(services: list[str]) -> None:
    for service in services:
        names = await declare_queues(runtime_of(service))
        print(f"declare: {service}: {', '.join(names) or 'no queues'}", flush=True)


if __name__ == "__main__":
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("services", nargs="+", help="service packages, e.g. auth events")
    asyncio.run(main(parser.parse_args().services))
