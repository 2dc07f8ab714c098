"""The stand-alone worker is a real process: it answers health and stops cleanly on SIGTERM."""

from __future__ import annotations

import asyncio
import os
import signal
import socket
import sys
from typing import Any

import httpx

from bets.settings import Settings as BetsSettings


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


async def test_worker_answers_ready_then_stops_on_sigterm(
    test_database: Any, broker_namespace: Any, infrastructure: Any, make_settings: Any
) -> None:
    await test_database.migrate("bets")
    port = free_port()
    # Declared exactly as the in-process bets apps of this session declare the same queues:
    # RabbitMQ refuses to redeclare a queue with another retry delay.
    shared = make_settings(BetsSettings)
    env = {
        **os.environ,
        "BETS_CONSUMER_RETRY_DELAY_MS": str(shared.consumer_retry_delay_ms),
        "JWT_JWKS": shared.jwt_jwks or "",
        "REDIS_PREFIX": shared.redis_prefix,
        "BETS_DATABASE_URL": test_database.url_for("bets"),
        "BETS_PORT": str(port),
        "BETS_RABBITMQ_URL": shared.rabbitmq_url,  # bets' own broker user
        "EXCHANGE_NAME": broker_namespace.exchange_name,
        "QUEUE_PREFIX": broker_namespace.queue_prefix,
        "ENVIRONMENT": "test",
    }
    worker = await asyncio.create_subprocess_exec(
        sys.executable,
        "-m",
        "bets.entrypoints.worker",
        env=env,
        stdout=asyncio.subprocess.PIPE,
        stderr=asyncio.subprocess.STDOUT,
    )
    try:
        ready = None
        async with httpx.AsyncClient(base_url=f"http://127.0.0.1:{port}") as client:
            for _ in range(100):
                try:
                    ready = await client.get("/health/ready")
                    if ready.status_code == 200:
                        break
                except httpx.TransportError:
                    pass
                await asyncio.sleep(0.1)
            assert ready is not None
            assert ready.status_code == 200, ready.text
            assert ready.json()["checks"] == {"database": True, "broker": True, "consumer": True}
            assert (await client.get("/api/bets/anything")).status_code == 404  # no API here
    finally:
        worker.send_signal(signal.SIGTERM)
        output, _ = await asyncio.wait_for(worker.communicate(), 15)
    # uvicorn re-raises the signal once shut down, so "killed by SIGTERM" after a clean stop.
    assert worker.returncode in (0, -signal.SIGTERM), output.decode()[-2000:]
    assert b"service.stopped" in output
    assert b"Application shutdown complete." in output
