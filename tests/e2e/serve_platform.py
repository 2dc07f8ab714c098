"""The real platform (one replica of everything) for the browser suite, until told to stop.

``python tests/e2e/serve_platform.py <ready.json> [--log-dir DIR]`` starts what the black-box
suite starts (``tests.e2e.harness.running_platform``: a database, broker namespace and Redis
prefix of the run's own, every process on a free port, rate limits raised), with the gateway
serving the web build (``GATEWAY_WEB_DIST_DIR=<repo>/web/dist``) and the events demo catalogue
loaded (``load-demo``, as ``make run`` does; ``--demo-events 0`` for none), and auth's Google and
GitHub pointed at the local OAuth provider (libs/devtools, in this process). Once all is ready it
writes ``{gateway_url, inbox_url, simulator_url, oauth_url, admin_email, admin_password,
log_dir}`` to
``<ready.json>`` (atomically: a reader never sees half a file), then runs until SIGTERM/SIGINT,
until its stdin closes (``--stop-on-eof``: the Playwright runner that spawned it is gone, even
killed) or until a required process exits; then everything is stopped and deleted (processes,
database, namespace, Redis keys), also after a failed start. The file is removed on the way out.
"""

from __future__ import annotations

import argparse
import asyncio
import contextlib
import json
import os
import signal
import sys
import tempfile
import threading
import uuid
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(ROOT))  # run as a script: `tests.e2e` is found from the repository root

from tests.e2e.client import Platform  # noqa: E402
from tests.e2e.harness import running_platform  # noqa: E402
from tests.e2e.processes import ADMIN_EMAIL, ADMIN_PASSWORD  # noqa: E402

from common.testing.infra import discover  # noqa: E402
from devtools.oauth_provider import OAuthProvider, auth_env  # noqa: E402

WEB_DIST = ROOT / "web" / "dist"
# The suite's client at the local OAuth provider; the gateway's port is chosen at start-up.
OAUTH_CLIENT = ("looseline-e2e", "looseline-e2e-secret")
OAUTH_REDIRECTS = [
    "http://127.0.0.1:*/auth/callback/google",
    "http://127.0.0.1:*/auth/callback/github",
]


class LogDirs:
    """Where each process writes its log (pytest's ``tmp_path_factory`` in the pytest suite)."""

    def __init__(self, root: Path) -> None:
        self.root = root

    def mktemp(self, basename: str, numbered: bool = True) -> Path:
        path = self.root / (f"{basename}-{uuid.uuid4().hex[:6]}" if numbered else basename)
        path.mkdir(parents=True, exist_ok=True)
        return path


def say(text: str) -> None:
    print(f"serve_platform: {text}", file=sys.stderr, flush=True)


def write_atomically(path: Path, data: dict[str, str]) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    temporary = path.with_name(f".{path.name}.{os.getpid()}")
    temporary.write_text(json.dumps(data, indent=1) + "\n")
    temporary.replace(path)


def forget(path: Path) -> None:
    with contextlib.suppress(OSError):
        path.unlink()


async def until_a_process_exits(live: Platform) -> None:
    """Return when a required process has exited: the run would only fail in puzzling ways."""
    while True:
        for process in live.processes:
            if process.required and process.exited:
                say(f"{process.name} exited:\n{process.log_tail(40)}")
                return
        await asyncio.sleep(1.0)


async def load_demo(live: Platform, events: int) -> None:
    """The events demo catalogue (as `make run` has), so pages and screenshots are not empty."""
    layout = live.layout
    env = layout.service_env("events", layout.service_ports["events"][0])
    argv = ["-m", "events.entrypoints.cli", "load-demo", "--events", str(events)]
    with (layout.log_dir / "load-demo.log").open("wb") as log:
        child = await asyncio.create_subprocess_exec(
            sys.executable, *argv, env=env, stdout=log, stderr=asyncio.subprocess.STDOUT
        )
        try:
            rc = await child.wait()
        except asyncio.CancelledError:  # stopped mid-start: no loader left behind
            child.kill()
            await child.wait()
            raise
    if rc != 0:
        raise RuntimeError(f"load-demo failed: see {layout.log_dir / 'load-demo.log'}")


async def serve(ready_file: Path, log_root: Path, demo_events: int) -> int:
    if not (WEB_DIST / "index.html").is_file():
        say(f"no web build at {WEB_DIST} (run `make web-build`): the pages would be 404s")
        return 1
    infrastructure = await discover()
    try:
        async with (
            OAuthProvider(clients={OAUTH_CLIENT[0]: (OAUTH_CLIENT[1], OAUTH_REDIRECTS)}) as oauth,
            running_platform(
                infrastructure,
                LogDirs(log_root),
                1,
                {"GATEWAY_WEB_DIST_DIR": str(WEB_DIST), **auth_env(oauth.url, *OAUTH_CLIENT)},
            ) as live,
        ):
            layout = live.layout
            if demo_events:
                await load_demo(live, demo_events)
            write_atomically(
                ready_file,
                {
                    "gateway_url": layout.gateway_urls[0],
                    "inbox_url": f"{layout.inbox_url}/api/messages",
                    "simulator_url": layout.simulator_url,
                    "oauth_url": oauth.url,
                    "admin_email": ADMIN_EMAIL,
                    "admin_password": ADMIN_PASSWORD,
                    "log_dir": str(layout.log_dir),
                },
            )
            say(f"ready: {layout.gateway_urls[0]} (logs in {layout.log_dir})")
            await until_a_process_exits(live)
            return 1
    finally:
        forget(ready_file)
        infrastructure.stop()


def stop_on_eof(loop: asyncio.AbstractEventLoop, stop: asyncio.Event) -> None:
    """Stdin at its end: the parent that held the pipe has gone (a thread: stdin may block)."""

    def read() -> None:
        # os.read, not sys.stdin: a daemon thread parked in a buffered read aborts the
        # interpreter's shutdown (it holds the buffer's lock).
        with contextlib.suppress(OSError):
            while os.read(0, 4096):
                pass
        loop.call_soon_threadsafe(stop.set)

    threading.Thread(target=read, name="stdin-eof", daemon=True).start()


async def main(ready_file: Path, log_root: Path, demo_events: int, eof: bool) -> int:
    loop = asyncio.get_running_loop()
    stop = asyncio.Event()
    for sig in (signal.SIGINT, signal.SIGTERM):
        loop.add_signal_handler(sig, stop.set)
    if eof:
        stop_on_eof(loop, stop)
    server = asyncio.create_task(serve(ready_file, log_root, demo_events))
    stopping = asyncio.create_task(stop.wait())
    await asyncio.wait([server, stopping], return_when=asyncio.FIRST_COMPLETED)
    if not server.done():
        say("stopping")
        # Cancelled once, even mid-start: running_platform's clean-up runs to its end (a second
        # signal only sets the event again).
        server.cancel()
    stopping.cancel()
    try:
        rc = await server
    except asyncio.CancelledError:
        rc = 0
    except Exception as exc:
        say(f"failed: {exc}")
        rc = 1
    say("stopped, database, broker namespace and Redis keys removed")
    return rc


if __name__ == "__main__":
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("ready_file", type=Path, help="written with the URLs once ready")
    parser.add_argument("--log-dir", type=Path, help="the processes' logs (default: a temp dir)")
    parser.add_argument("--demo-events", type=int, default=40, help="demo catalogue size (0: none)")
    parser.add_argument("--stop-on-eof", action="store_true", help="stop when stdin closes")
    args = parser.parse_args()
    log_root = args.log_dir or Path(tempfile.mkdtemp(prefix="looseline-web-e2e-"))
    sys.exit(
        asyncio.run(
            main(args.ready_file.resolve(), log_root.resolve(), args.demo_events, args.stop_on_eof)
        )
    )
