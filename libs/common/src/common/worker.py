"""Run a service's background side alone (relay, consumers, periodic jobs) until SIGTERM."""

from __future__ import annotations

import asyncio
import signal

from common.logging import configure_logging, get_logger
from common.runtime import ServiceRuntime


def run_worker(runtime: ServiceRuntime) -> None:
    settings = runtime.settings
    configure_logging(settings.service_name, level=settings.log_level, json=settings.log_json)
    log = get_logger(__name__)

    async def main() -> None:
        stop = asyncio.Event()
        loop = asyncio.get_running_loop()
        for sig in (signal.SIGINT, signal.SIGTERM):
            loop.add_signal_handler(sig, stop.set)
        await runtime.start()
        log.info("worker.started")
        await stop.wait()
        await runtime.stop()
        log.info("worker.stopped")

    asyncio.run(main())
