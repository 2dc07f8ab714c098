#!/usr/bin/env python3
"""Start all seven services as local processes with prefixed logs (``make run``).

Before them, the local stand-ins for outside services: the SMTP sink (``mailsink``: SMTP on
``SMTP_PORT``, inbox on ``MAILSINK_HTTP_PORT``), the OAuth provider (``oauth``, on
``OAUTH_PROVIDER_PORT``; auth's Google and GitHub point at it unless .env sets their client
ids), the Telegram Bot API (``telegram``, on ``TELEGRAM_API_PORT``; notifications point at it
unless .env names the real API) — all libs/devtools — and, when no real Stripe key is set, the
Stripe simulator (``stripe``, tools/stripe-simulator, on ``STRIPE_SIMULATOR_PORT``, its webhooks
sent to the gateway's ``/api/webhook/stripe``; the wallet is pointed at it with
``STRIPE_API_BASE``). Then the services that consume messages (events, bets, wallet,
notifications, partners), and once their queues exist, auth and the gateway: a message published
before any queue is bound for it would be dropped (auth's ``UserRegistered`` of the first admin,
at its startup).
Ctrl-C (or SIGTERM) stops them all; if one dies, the rest are stopped too. The data stays in
PostgreSQL: the next ``make run`` starts where this one stopped.
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
SERVICES = {
    "auth": 8001,
    "events": 8002,
    "bets": 8003,
    "wallet": 8004,
    "notifications": 8005,
    "partners": 8006,
    "gateway": 8000,
}
# Started (and ready) before the others: their queues must exist before anything is published.
CONSUMERS_FIRST = ("events", "bets", "wallet", "notifications", "partners")
# Local stand-ins, started first: name -> the URL path that proves it ready.
STANDINS = {
    "mailsink": "/api/messages",
    "oauth": "/health",
    "telegram": "/health",
    "stripe": "/health",
}
# The Stripe simulator's own keys (tools/stripe-simulator): only it accepts them.
SIMULATOR_KEYS = {
    "STRIPE_SECRET_KEY": "sk_test_looseline_simulator",
    "STRIPE_PUBLISHABLE_KEY": "pk_test_looseline_simulator",
    "STRIPE_WEBHOOK_SECRET": "whsec_looseline_simulator",
}
# The local Telegram Bot API stand-in takes any token; this one is never a real bot's.
DEV_TELEGRAM_TOKEN = "123456:looseline-dev-bot-token"  # noqa: S105
COLOURS = {
    "auth": 35,
    "events": 36,
    "bets": 33,
    "wallet": 32,
    "notifications": 92,
    "partners": 93,
    "gateway": 34,
    "mailsink": 37,
    "oauth": 91,
    "telegram": 94,
    "stripe": 95,
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


def telegram_port() -> int:
    return env_port("TELEGRAM_API_PORT", 8031)


def simulator_port() -> int:
    return env_port("STRIPE_SIMULATOR_PORT", 12111)


def metrics_port() -> int:
    """The gateway's Prometheus port (never the public one): 8090 unless .env says otherwise."""
    return env_port("GATEWAY_METRICS_PORT", 8090) or 8090


def simulator_wanted() -> bool:
    """No real key set (empty, or the simulator's own): deposits go to the local simulator."""
    key = os.environ.get("STRIPE_SECRET_KEY", "")
    return key in ("", SIMULATOR_KEYS["STRIPE_SECRET_KEY"])


def use_simulator() -> None:
    """Give every child the simulator's keys and address (set values win)."""
    for name, value in SIMULATOR_KEYS.items():
        if not os.environ.get(name):
            os.environ[name] = value
    if not os.environ.get("STRIPE_API_BASE"):
        os.environ["STRIPE_API_BASE"] = f"http://127.0.0.1:{simulator_port()}"


def use_oauth_provider() -> None:
    """A provider without a client id of its own (none in .env) signs in through the local
    stand-in, so the app's Google and GitHub buttons work under ``make run``."""
    from devtools.oauth_provider import auth_env  # the project's venv: `make run` runs in it

    unset = [p for p in ("GOOGLE", "GITHUB") if not os.environ.get(f"AUTH_{p}_CLIENT_ID")]
    os.environ.update(auth_env(f"http://127.0.0.1:{oauth_port()}", providers=unset))


def use_telegram_api() -> None:
    """Notifications send Telegram messages to the local Bot API stand-in unless .env names
    the real API (NOTIFICATIONS_TELEGRAM_API_BASE) and a bot token of its own."""
    if not os.environ.get("NOTIFICATIONS_TELEGRAM_API_BASE"):
        os.environ["NOTIFICATIONS_TELEGRAM_API_BASE"] = f"http://127.0.0.1:{telegram_port()}"
        os.environ.setdefault("NOTIFICATIONS_TELEGRAM_BOT_TOKEN", DEV_TELEGRAM_TOKEN)


def standins() -> list[str]:
    return [n for n in STANDINS if n != "stripe" or simulator_wanted()]


def ready_url(name: str) -> str:
    """What proves ``name`` ready: a service's /health/ready, a stand-in's STANDINS path."""
    if name == "mailsink":
        return f"http://127.0.0.1:{mailsink_http_port()}{STANDINS[name]}"
    if name == "oauth":
        return f"http://127.0.0.1:{oauth_port()}{STANDINS[name]}"
    if name == "stripe":
        return f"http://127.0.0.1:{simulator_port()}{STANDINS[name]}"
    if name == "telegram":
        return f"http://127.0.0.1:{telegram_port()}{STANDINS[name]}"
    return f"http://127.0.0.1:{port_of(name)}/health/ready"


def status_of(url: str) -> int:
    try:
        with urllib.request.urlopen(url, timeout=2) as answer:  # noqa: S310 (local http only)
            return int(answer.status)
    except urllib.error.HTTPError as exc:
        return exc.code
    except (urllib.error.URLError, OSError):
        return 0


def get_json(url: str) -> tuple[int, object]:
    try:
        with urllib.request.urlopen(url, timeout=2) as answer:  # noqa: S310 (local http only)
            return answer.status, json.loads(answer.read())
    except urllib.error.HTTPError as exc:
        return exc.code, json.loads(exc.read() or b"null")
    except (urllib.error.URLError, OSError, ValueError):
        return 0, None


class _NoRedirect(urllib.request.HTTPRedirectHandler):
    def redirect_request(self, *_args: object, **_kwargs: object) -> None:
        return None  # the 3xx itself is the answer (an HTTPError carrying its Location)


def location_of(url: str) -> tuple[int, str]:
    """A URL's status and ``Location``, the redirect not followed."""
    opener = urllib.request.build_opener(_NoRedirect)
    try:
        with opener.open(url, timeout=5) as answer:
            return int(answer.status), ""
    except urllib.error.HTTPError as exc:
        return exc.code, exc.headers.get("location", "")
    except (urllib.error.URLError, OSError):
        return 0, ""


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
    if name == "telegram":
        return ["-m", "devtools.telegram_api", "--host", host, "--port", str(telegram_port())]
    if name == "stripe":
        webhook = (
            os.environ.get("STRIPE_SIMULATOR_WEBHOOK_URL")
            or f"http://127.0.0.1:{port_of('gateway')}/api/webhook/stripe"
        )
        return ["-m", "stripe_simulator", "--port", str(simulator_port()), "--webhook-url", webhook]
    app = f"{name}.entrypoints.api.app:create_app"
    return ["-m", "uvicorn", app, "--factory", "--host", host, "--port", str(port_of(name))]


async def start(name: str) -> asyncio.subprocess.Process:
    # --no-proxy-headers: the gateway alone resolves the client from X-Forwarded-For (its
    # trusted proxies); uvicorn's rewrite would believe any local caller's header.
    uvicorn_flags = ["--no-access-log", "--no-proxy-headers"]
    return await asyncio.create_subprocess_exec(
        sys.executable,
        *command_of(name),
        *(uvicorn_flags if name in SERVICES else []),
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


async def start_all(
    names: list[str],
    procs: dict[str, asyncio.subprocess.Process],
    pipes: list[asyncio.Task[None]],
) -> None:
    for name in names:
        procs[name] = proc = await start(name)
        if proc.stdout:
            pipes.append(asyncio.create_task(pipe(name, proc.stdout)))


async def start_in_order(
    procs: dict[str, asyncio.subprocess.Process],
    pipes: list[asyncio.Task[None]],
    timeout_s: float,
    stop: asyncio.Event,
) -> dict[str, int]:
    """Stand-ins, then the consumers, then auth and the gateway: each group ready first."""
    loop = asyncio.get_running_loop()
    deadline = loop.time() + timeout_s
    last = [n for n in SERVICES if n not in CONSUMERS_FIRST]
    status: dict[str, int] = {}
    for group in (standins(), list(CONSUMERS_FIRST), last):
        await start_all(group, procs, pipes)
        status = await wait_ready(procs, max(deadline - loop.time(), 1.0), stop)
        if not all(code == 200 for code in status.values()):
            break
    return status


def where_to_go() -> str:
    gateway = f"http://127.0.0.1:{port_of('gateway')}"
    admin = os.environ.get("ADMIN_EMAIL") or "admin@example.com"
    password = (
        "ADMIN_PASSWORD from your environment / .env"
        if os.environ.get("ADMIN_PASSWORD")
        else "printed above by auth the first time (search the log for 'development admin')"
    )
    lines = [
        "",
        f"LOOSELINE is up: open {gateway}/",
        f"  API docs (Swagger UI): {gateway}/api/docs   health: {gateway}/health",
        f"  gateway metrics (its own port): http://127.0.0.1:{metrics_port()}/metrics",
        f"  mail inbox (verification codes): http://127.0.0.1:{mailsink_http_port()}/api/messages"
        f"   (SMTP sink on 127.0.0.1:{smtp_port()})",
        f"  OAuth provider: http://127.0.0.1:{oauth_port()} (client looseline-dev; the app's"
        " Google and GitHub buttons sign in through it unless .env names real clients)",
        f"  Telegram messages (Bot API stand-in): http://127.0.0.1:{telegram_port()}/api/messages",
    ]
    if simulator_wanted():
        lines.append(
            f"  Stripe simulator: http://127.0.0.1:{simulator_port()} (test card pm_card_visa;"
            " webhooks to the gateway)"
        )
    else:
        lines.append("  Stripe: the real API with your STRIPE_SECRET_KEY")
    lines += [
        f"  admin: {admin}, password {password}",
        "  first bet as a new user: README.md, 'Your first bet'.  Ctrl-C stops everything.",
        "",
    ]
    return "\n".join(lines)


def smoke_check() -> int:
    rc = 0
    for name in SERVICES:
        code, body = get_json(ready_url(name))
        print(f"smoke: {name} /health/ready -> {code} {json.dumps(body)}", flush=True)
        rc = rc or (0 if code == 200 else 1)
    for name in standins():
        code, body = get_json(ready_url(name))
        print(f"smoke: {name} {STANDINS[name]} -> {code} {json.dumps(body)}", flush=True)
        rc = rc or (0 if code == 200 else 1)
    gateway = f"http://127.0.0.1:{port_of('gateway')}"
    code, body = get_json(f"{gateway}/health")
    print(f"smoke: gateway /health -> {code} {json.dumps(body)}", flush=True)
    rc = rc or (0 if code == 200 else 1)
    # The app's provider buttons: a 302 to the local OAuth stand-in (or the configured provider).
    for provider in ("google", "github"):
        code, location = location_of(f"{gateway}/api/auth/{provider}/authorize")
        print(f"smoke: {provider} sign-in -> {code} {location.split('?')[0]}", flush=True)
        rc = rc or (0 if code == 302 and location else 1)
    # Metrics answer on their own port and never on the public one.
    public, _ = get_json(f"{gateway}/metrics")
    scraped = status_of(f"http://127.0.0.1:{metrics_port()}/metrics")
    print(f"smoke: gateway metrics -> {scraped}, public /metrics -> {public}", flush=True)
    return rc or (0 if scraped == 200 and public == 404 else 1)


async def main(smoke: bool, timeout_s: float) -> int:
    load_dotenv(ROOT / ".env")
    # A stable metrics port for `make run` (the gateway's own default, 0, is any free port).
    os.environ["GATEWAY_METRICS_PORT"] = str(metrics_port())
    if simulator_wanted():
        use_simulator()
    use_oauth_provider()
    use_telegram_api()
    loop = asyncio.get_running_loop()
    stop = asyncio.Event()
    for sig in (signal.SIGINT, signal.SIGTERM):
        loop.add_signal_handler(sig, stop.set)
    procs: dict[str, asyncio.subprocess.Process] = {}
    pipes: list[asyncio.Task[None]] = []
    status = await start_in_order(procs, pipes, timeout_s, stop)
    exits = {n: asyncio.create_task(p.wait()) for n, p in procs.items()}

    rc = 0
    everyone = [*standins(), *SERVICES]
    if all(status.get(name) == 200 for name in everyone):
        print(where_to_go(), flush=True)
    else:
        print(f"\nnot ready in {timeout_s:.0f} s: {status}\n", flush=True)
        rc = 1
    if smoke:
        rc = rc or smoke_check()
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
