#!/usr/bin/env python3
"""Start all five services as local processes with prefixed logs (``make run``).

Ctrl-C (or SIGTERM) stops them all; if one dies, the rest are stopped too.
``--smoke`` starts them, checks every ``/health/ready`` and the gateway's ``/health``,
prints the answers and stops: CI runs it to prove ``make run`` works.
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
COLOURS = {"auth": 35, "events": 36, "bets": 33, "wallet": 32, "gateway": 34}


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
    label = f"\033[{colour}m{name:>7}\033[0m" if colour else f"{name:>7}"
    while line := await stream.readline():
        sys.stdout.write(f"{label} | {line.decode(errors='replace')}")
        sys.stdout.flush()


async def start(name: str) -> asyncio.subprocess.Process:
    port = port_of(name)
    return await asyncio.create_subprocess_exec(
        sys.executable,
        "-m",
        "uvicorn",
        f"{name}.entrypoints.api.app:create_app",
        "--factory",
        "--host",
        os.environ.get("BIND_HOST", "127.0.0.1"),
        "--port",
        str(port),
        "--no-access-log",
        stdout=asyncio.subprocess.PIPE,
        stderr=asyncio.subprocess.STDOUT,
        start_new_session=True,  # our Ctrl-C handling stops them in order
    )


async def wait_ready(timeout_s: float) -> dict[str, int]:
    loop = asyncio.get_running_loop()
    deadline = loop.time() + timeout_s
    status: dict[str, int] = {}
    while loop.time() < deadline:
        for name in SERVICES:
            code, _ = await asyncio.to_thread(
                get_json, f"http://127.0.0.1:{port_of(name)}/health/ready"
            )
            status[name] = code
        if all(code == 200 for code in status.values()):
            break
        await asyncio.sleep(0.5)
    return status


async def main(smoke: bool, timeout_s: float) -> int:
    load_dotenv(ROOT / ".env")
    procs = {name: await start(name) for name in SERVICES}
    pipes = [asyncio.create_task(pipe(n, p.stdout)) for n, p in procs.items() if p.stdout]
    stop = asyncio.Event()
    loop = asyncio.get_running_loop()
    for sig in (signal.SIGINT, signal.SIGTERM):
        loop.add_signal_handler(sig, stop.set)
    exits = {n: asyncio.create_task(p.wait()) for n, p in procs.items()}

    rc = 0
    status = await wait_ready(timeout_s)
    gateway = f"http://127.0.0.1:{port_of('gateway')}"
    if all(code == 200 for code in status.values()):
        print(
            f"\nLOOSELINE is up: {gateway}  (docs: {gateway}/docs, health: {gateway}/health)\n",
            flush=True,
        )
    else:
        print(f"\nnot ready in {timeout_s:.0f} s: {status}\n", flush=True)
        rc = 1
    if smoke:
        for name in SERVICES:
            code, body = get_json(f"http://127.0.0.1:{port_of(name)}/health/ready")
            print(f"smoke: {name} /health/ready -> {code} {json.dumps(body)}", flush=True)
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
