#!/usr/bin/env python3
"""Start all five services as local processes with prefixed logs (``make run``).

Before them, the local stand-ins for outside services (libs/devtools): the SMTP sink
(``mailsink``: SMTP on ``SMTP_PORT``, inbox on ``MAILSINK_HTTP_PORT``) and the OAuth provider
(``oauth``, on ``OAUTH_PROVIDER_PORT``), waited for before the services start.
Ctrl-C (or SIGTERM) stops them all; if one dies, the rest are stopped too.
``--smoke`` starts them, checks every ``/health/ready``, the gateway's ``/health`` and the
stand-ins, prints the answers and stops: CI runs it to prove ``make run`` works.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import os
import signal
import sys
import urllib.error
import urllib.request
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
SERVICES = {"auth": 8001, "events": 8002, "bets": 8003, "wallet": 8004, "gateway": 8000}
# Local stand-ins (libs/devtools), started first: name -> the URL path that proves it ready.
STANDINS = {"mailsink": "/api/messages", "oauth": "/health"}
COLOURS = {
    "auth": 35,
    "events": 36,
    "bets": 33,
    "wallet": 32,
    "gateway": 34,
    "mailsink": 37,
    "oauth": 91,
}


def load_dotenv(path: Path) -> None:
    """KEY=VALUE lines of .env into the environment (real environment variables win)."""
    if not path.exists():
        return
    for line in path.read_text().splitlines():
        line = line.strip()
        if not line or line.startswith("#") or "=" not in line:
            continue
        key, value = line.split("=", 1)
        os.environ.setdefault(key.strip(), value.strip().strip('"').strip("'"))


def port_of(service: str) -> int:
    return int(os.environ.get(f"{service.upper()}_PORT", SERVICES[service]))


def env_port(name: str, default: int) -> int:
    return int(os.environ.get(name) or default)


def smtp_port() -> int:
    return env_port("SMTP_PORT", 1025)


def mailsink_http_port() -> int:
    return env_port("MAILSINK_HTTP_PORT", 8025)


def oauth_port() -> int:
    return env_port("OAUTH_PROVIDER_PORT", 8030)


def ready_url(name: str) -> str:
    """What proves ``name`` ready: a service's /health/ready, a stand-in's STANDINS path."""
    if name == "mailsink":
        return f"http://127.0.0.1:{mailsink_http_port()}{STANDINS[name]}"
    if name == "oauth":
        return f"http://127.0.0.1:{oauth_port()}{STANDINS[name]}"
    return f"http://127.0.0.1:{port_of(name)}/health/ready"


def get_json(url: str) -> tuple[int, object]:
    try:
        with urllib.request.urlopen(url, timeout=2) as answer:  # noqa: S310 (local http only)
            return answer.status, json.loads(answer.read())
    except urllib.error.HTTPError as exc:
        return exc.code, json.loads(exc.read() or b"null")
    except (urllib.error.URLError, OSError, ValueError):
        return 0, None


async def pipe(name: str, stream: asyncio.StreamReader) -> None:
    colour = COLOURS[name] if sys.stdout.isatty() else None
    label = f"\033[{colour}m{name:>8}\033[0m" if colour else f"{name:>8}"
    while line := await stream.readline():
        sys.stdout.write(f"{label} | {line.decode(errors='replace')}")
        sys.stdout.flush()


def command_of(name: str) -> list[str]:
    host = os.environ.get("BIND_HOST", "127.0.0.1")
    if name == "mailsink":
        ports = ["--smtp-port", str(smtp_port()), "--http-port", str(mailsink_http_port())]
        return ["-m", "devtools.mailsink", "--host", host, *ports]
    if name == "oauth":
        return ["-m", "devtools.oauth_provider", "--host", host, "--port", str(oauth_port())]
    app = f"{name}.entrypoints.api.app:create_app"
    return ["-m", "uvicorn", app, "--factory", "--host", host, "--port", str(port_of(name))]


async def start(name: str) -> asyncio.subprocess.Process:
    return await asyncio.create_subprocess_exec(
        sys.executable,
        *command_of(name),
        *(["--no-access-log"] if name in SERVICES else []),
        stdout=asyncio.subprocess.PIPE,
        stderr=asyncio.subprocess.STDOUT,
        start_new_session=True,  # our Ctrl-C handling stops them in order
    )


async def wait_ready(
    procs: dict[str, asyncio.subprocess.Process], timeout_s: float, stop: asyncio.Event
) -> dict[str, int]:
    """Each process's readiness answer (0: none), until all are 200, one exits, stop or timeout."""
    loop = asyncio.get_running_loop()
    deadline = loop.time() + timeout_s
    status: dict[str, int] = {}
    while loop.time() < deadline:
        for name in procs:
            code, _ = await asyncio.to_thread(get_json, ready_url(name))
            status[name] = code
        if stop.is_set() or any(proc.returncode is not None for proc in procs.values()):
            break
        if all(code == 200 for code in status.values()):
            break
        await asyncio.sleep(0.5)
    return status


async def main(smoke: bool, timeout_s: float) -> int:
    load_dotenv(ROOT / ".env")
    loop = asyncio.get_running_loop()
    started = loop.time()
    stop = asyncio.Event()
    for sig in (signal.SIGINT, signal.SIGTERM):
        loop.add_signal_handler(sig, stop.set)
    procs = {name: await start(name) for name in STANDINS}
    pipes = [asyncio.create_task(pipe(n, p.stdout)) for n, p in procs.items() if p.stdout]
    # The services may reach the stand-ins as they start (auth: SMTP, OAuth): those come first.
    await wait_ready(dict(procs), timeout_s, stop)
    standins_alive = all(proc.returncode is None for proc in procs.values())
    for name in SERVICES if standins_alive and not stop.is_set() else ():
        procs[name] = proc = await start(name)
        if proc.stdout:
            pipes.append(asyncio.create_task(pipe(name, proc.stdout)))
    exits = {n: asyncio.create_task(p.wait()) for n, p in procs.items()}

    rc = 0
    status = await wait_ready(procs, max(timeout_s - (loop.time() - started), 1.0), stop)
    gateway = f"http://127.0.0.1:{port_of('gateway')}"
    if all(code == 200 for code in status.values()):
        print(
            f"\nLOOSELINE is up: {gateway}  (docs: {gateway}/docs, health: {gateway}/health)\n"
            f"mail sink: smtp://127.0.0.1:{smtp_port()}, inbox {ready_url('mailsink')}\n"
            f"OAuth provider: http://127.0.0.1:{oauth_port()} (client looseline-dev)\n",
            flush=True,
        )
    else:
        print(f"\nnot ready in {timeout_s:.0f} s: {status}\n", flush=True)
        rc = 1
    if smoke:
        for name in SERVICES:
            code, body = get_json(ready_url(name))
            print(f"smoke: {name} /health/ready -> {code} {json.dumps(body)}", flush=True)
            rc = rc or (0 if code == 200 else 1)
        for name, path in STANDINS.items():
            code, body = get_json(ready_url(name))
            print(f"smoke: {name} {path} -> {code} {json.dumps(body)}", flush=True)
            rc = rc or (0 if code == 200 else 1)
        code, body = get_json(f"{gateway}/health")
        print(f"smoke: gateway /health -> {code} {json.dumps(body)}", flush=True)
        rc = rc or (0 if code == 200 else 1)
    elif rc == 0:
        died = asyncio.create_task(asyncio.wait(exits.values(), return_when="FIRST_COMPLETED"))
        await asyncio.wait([died, asyncio.create_task(stop.wait())], return_when="FIRST_COMPLETED")
        dead = [n for n, t in exits.items() if t.done()]
        if dead and not stop.is_set():
            print(f"\n{', '.join(dead)} exited: stopping the rest", flush=True)
            rc = 1

    for proc in procs.values():
        if proc.returncode is None:
            proc.send_signal(signal.SIGTERM)
    try:
        await asyncio.wait_for(asyncio.gather(*exits.values()), 15)
    except TimeoutError:
        for proc in procs.values():
            if proc.returncode is None:
                proc.kill()
    await asyncio.gather(*pipes, return_exceptions=True)
    print("all services stopped", flush=True)
    return rc


if __name__ == "__main__":
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--smoke", action="store_true", help="start, check health, stop")
    parser.add_argument("--timeout", type=float, default=60.0, help="seconds to become ready")
    args = parser.parse_args()
    sys.exit(asyncio.run(main(args.smoke, args.timeout)))
