"""Prometheus metrics on a listener of their own, never on the public port.

The gateway's metrics name its routes, upstreams, rate-limit refusals and stream audience:
nothing a client should read. They are served on ``GATEWAY_METRICS_PORT`` (bound on
``GATEWAY_METRICS_HOST``), which the Kubernetes Service and the ingress do not expose; the
public port answers 404 for ``/metrics``. prometheus_client's own threaded server keeps the
scrape off the event loop.
"""

from __future__ import annotations

import threading
from wsgiref.simple_server import WSGIServer

from prometheus_client import start_wsgi_server
from starlette.exceptions import HTTPException
from starlette.requests import Request
from starlette.responses import Response
from starlette.routing import Route

from common.logging import get_logger

log = get_logger(__name__)


class MetricsListener:
    def __init__(self, host: str, port: int) -> None:
        self.host = host
        self.port = port  # 0 until started with port 0: then the one the system chose
        self._server: WSGIServer | None = None
        self._thread: threading.Thread | None = None

    def start(self) -> None:
        self._server, self._thread = start_wsgi_server(self.port, addr=self.host)
        self.port = self._server.server_port
        log.info("gateway.metrics_listening", host=self.host, port=self.port)

    def stop(self) -> None:
        if self._server is None:
            return
        self._server.shutdown()
        self._server.server_close()
        if self._thread is not None:
            self._thread.join(timeout=5)
        self._server = self._thread = None


async def _not_on_the_public_port(_: Request) -> Response:
    raise HTTPException(404)


def public_metrics_route() -> Route:
    """``/metrics`` on the public app, every method: 404 in the common error shape. Put first,
    it answers before the common health router's own ``/metrics``."""
    methods = ["GET", "HEAD", "POST", "PUT", "PATCH", "DELETE", "OPTIONS"]
    return Route("/metrics", _not_on_the_public_port, methods=methods, include_in_schema=False)
