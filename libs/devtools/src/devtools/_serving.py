"""Run an ASGI app with uvicorn on a pre-bound socket, in the foreground or in a thread.

Binding the socket ourselves gives the real port at once (port 0 = a free one). The thread
variant owns its own event loop, so the stand-ins answer whatever loop (or none) the caller's
code runs on: a sync test using ``smtplib`` reaches the sink as well as an async one.
"""

from __future__ import annotations

import asyncio
import signal
import socket
import threading
import time
from types import FrameType

import uvicorn
from starlette.types import ASGIApp


def bind(host: str, port: int) -> socket.socket:
    """A listening TCP socket on ``host:port`` (0 = any free port)."""
    family = socket.AF_INET6 if ":" in host else socket.AF_INET
    return socket.create_server((host, port), family=family, reuse_port=False)


def bind_or_exit(host: str, port: int, what: str) -> socket.socket:
    """:func:`bind` for a command line: a taken port is one clear line and exit status 1."""
    try:
        return bind(host, port)
    except OSError as exc:
        raise SystemExit(f"{what}: cannot listen on {host}:{port}: {exc.strerror or exc}") from None


def port_of(sock: socket.socket) -> int:
    return int(sock.getsockname()[1])


def _exit_quietly(_signum: int, _frame: FrameType | None) -> None:
    raise SystemExit(0)


def serve_forever(app: ASGIApp, sock: socket.socket, *, log_level: str = "info") -> None:
    """Serve in the main thread until SIGINT/SIGTERM, then exit 0.

    uvicorn shuts down gracefully on either signal and re-raises it once done: our handler
    turns that into a clean exit instead of death by signal (or a KeyboardInterrupt trace).
    """
    for signum in (signal.SIGINT, signal.SIGTERM):
        signal.signal(signum, _exit_quietly)
    config = uvicorn.Config(app, log_level=log_level, access_log=False, lifespan="on")
    uvicorn.Server(config).run(sockets=[sock])


class ServerThread:
    """uvicorn serving ``app`` on ``sock`` in a daemon thread with its own event loop."""

    def __init__(self, app: ASGIApp, sock: socket.socket, *, name: str) -> None:
        config = uvicorn.Config(app, log_level="warning", access_log=False, lifespan="on")
        self._server = uvicorn.Server(config)
        self._sock = sock
        self._error: BaseException | None = None
        self._thread = threading.Thread(target=self._run, name=name, daemon=True)

    def _run(self) -> None:
        try:
            asyncio.run(self._server.serve(sockets=[self._sock]))
        except BaseException as exc:  # SystemExit on a failed lifespan startup included
            self._error = exc

    def start(self, timeout_s: float = 10.0) -> None:
        self._thread.start()
        deadline = time.monotonic() + timeout_s
        while not self._server.started:
            if not self._thread.is_alive():
                self._sock.close()
                raise RuntimeError(f"{self._thread.name} failed to start") from self._error
            if time.monotonic() > deadline:
                self.stop()
                raise RuntimeError(f"{self._thread.name} not started in {timeout_s} s")
            time.sleep(0.005)

    def stop(self, timeout_s: float = 10.0) -> None:
        self._server.should_exit = True
        if self._thread.is_alive():
            self._thread.join(timeout_s)
        self._sock.close()
