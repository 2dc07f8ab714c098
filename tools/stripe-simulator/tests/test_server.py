"""`python -m stripe_simulator` serves the API with its settings from the environment."""

from __future__ import annotations

import os
import socket
import subprocess
import sys
import time

import httpx


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        port: int = sock.getsockname()[1]
        return port


def test_module_entry_point_serves_health_and_the_api_with_env_keys() -> None:
    port = free_port()
    env = {**os.environ, "STRIPE_SIMULATOR_PORT": str(port), "STRIPE_SECRET_KEY": "sk_test_env"}
    process = subprocess.Popen([sys.executable, "-m", "stripe_simulator"], env=env)
    base = f"http://127.0.0.1:{port}"
    try:
        deadline = time.monotonic() + 15
        while True:
            try:
                health = httpx.get(f"{base}/health")
                break
            except httpx.TransportError:
                assert time.monotonic() < deadline, "simulator did not start"
                time.sleep(0.05)
        assert (health.status_code, health.json()) == (200, {"status": "ok"})
        created = httpx.post(f"{base}/v1/customers", auth=("sk_test_env", ""))
        assert created.status_code == 200
        assert created.json()["id"].startswith("cus_")
        refused = httpx.post(f"{base}/v1/customers", auth=("sk_test_looseline_simulator", ""))
        assert refused.status_code == 401
    finally:
        process.terminate()
        process.wait(timeout=10)
