"""Run a service's background side alone (relay, consumers, periodic jobs).

The worker still answers ``/health/live``, ``/health/ready`` and ``/metrics`` on the
service's port (every process does), but serves no API routes.
"""

from __future__ import annotations

import os

import uvicorn

from common.app import create_app
from common.runtime import ServiceRuntime


def run_worker(runtime: ServiceRuntime) -> None:
    settings = runtime.settings
    app = create_app(settings, runtime, title=f"LOOSELINE {settings.service_name} worker")
    uvicorn.run(
        app,
        host=os.environ.get("BIND_HOST", "127.0.0.1"),
        port=settings.port,
        log_config=None,  # structlog, configured by create_app
        access_log=False,
    )
