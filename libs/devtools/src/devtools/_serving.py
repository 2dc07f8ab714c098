"""Run an ASGI app with uvicorn on a pre-bound socket, in the foreground or in a thread.

Binding the socket ourselves gives the real port at once (port 0 = a free one). The thread
variant owns its own event loop, so the stand-ins answer whatever loop (or none) the caller's
code runs on: a sync test using ``smtplib`` reaches the sink as well as an async one.

What every stand-in shares is here too: :class:`BackgroundServer` (start/stop, sync and async
context manager) for the test fixtures, and :func:`cli_parser` / :func:`parse_cli` for its
``python -m`` command line.
"""

from __future__ import annotations

import argparse
import asyncio
import logging
import os
import signal
import socket
import threading
import time
from types import FrameType
from typing import Self

import uvicorn
from starlette.types import ASGIApp

DEFAULT_HOST = "127.0.0.1"


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


def http_url(host: str, port: int) -> str:
    """``http://host:port``, an IPv6 address in brackets."""
    return f"http://[{host}]:{port}" if ":" in host else f"http://{host}:{port}"


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


class BackgroundServer:
    """A stand-in served by a :class:`ServerThread`: ``with``/``async with`` start and stop it.

    A subclass binds its socket(s), builds its app and returns the started thread from
    :meth:`_launch`; ``what`` names it in the error of a second :meth:`start`.
    """

    what = "stand-in"

    def __init__(self) -> None:
        self._thread: ServerThread | None = None

    def _launch(self) -> ServerThread:
        raise NotImplementedError

    def start(self) -> None:
        if self._thread is not None:
            raise RuntimeError(f"{self.what} already started")
        self._thread = self._launch()

    def stop(self) -> None:
        thread, self._thread = self._thread, None
        if thread is not None:
            thread.stop()

    def __enter__(self) -> Self:
        self.start()
        return self

    def __exit__(self, *_exc_info: object) -> None:
        self.stop()

    async def __aenter__(self) -> Self:
        await asyncio.to_thread(self.start)
        return self

    async def __aexit__(self, *_exc_info: object) -> None:
        await asyncio.to_thread(self.stop)


def start_thread(app: ASGIApp, sock: socket.socket, *, name: str) -> ServerThread:
    """A :class:`ServerThread` serving ``app`` on ``sock``, started."""
    thread = ServerThread(app, sock, name=name)
    thread.start()
    return thread


def cli_parser(module: str, description: str) -> argparse.ArgumentParser:
    """The stand-in's ``python -m <module>`` parser with the shared ``--host`` option."""
    parser = argparse.ArgumentParser(prog=f"python -m {module}", description=description)
    parser.add_argument(
        "--host", default=DEFAULT_HOST, help=f"bind address (default {DEFAULT_HOST})"
    )
    return parser


def add_port_option(parser: argparse.ArgumentParser, flag: str, *, env: str, default: int) -> None:
    """A ``--...-port`` option whose default is ``$env`` when set, else ``default``."""
    parser.add_argument(flag, type=int, default=int(os.environ.get(env) or default))


def parse_cli(parser: argparse.ArgumentParser, argv: list[str] | None) -> argparse.Namespace:
    """Parse the command line and log plain lines at INFO, as every stand-in does."""
    args = parser.parse_args(argv)
    logging.basicConfig(level=logging.INFO, format="%(message)s")
    return args
