#!/usr/bin/env python3
"""``make up`` / ``make down``: the platform in Docker Compose, and where everything is.

``up``: ``docker compose up --build -d`` (``docker-compose`` 1.29 when the v2 plugin is absent),
then waits for the gateway's ``/health`` (every service ready) and the stand-ins the README's
"Your first bet" walk uses, and prints the URLs and the admin's credentials. With real Stripe
keys (``STRIPE_SECRET_KEY`` set and not the simulator's, as ``make run`` decides) the wallet and
the gateway are pointed at Stripe itself (``STRIPE_API_BASE``, ``STRIPE_BROWSER_API_BASE``,
``GATEWAY_CSP_CARD_ORIGINS``, unless set) and the Stripe simulator is not started.
``down``: ``docker compose down`` (containers and network; the data volume stays).

Standard library only: it runs on the host's ``python3`` before anything is installed.
"""

from __future__ import annotations

import argparse
import os
import re
import shutil
import subprocess
import sys
import time
import urllib.error
import urllib.request
from collections.abc import Callable, Mapping, Sequence
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
GATEWAY = "http://127.0.0.1:8000"
MAIL_INBOX = "http://127.0.0.1:8025/api/messages"
SIMULATOR = "http://127.0.0.1:12111"
OAUTH = "http://127.0.0.1:8030"
TELEGRAM = "http://127.0.0.1:8031/api/messages"
SIMULATOR_SERVICE = "stripe-simulator"
SIMULATOR_SECRET_KEY = "sk_test_looseline_simulator"  # noqa: S105 (the simulator's public value)
STRIPE_API = "https://api.stripe.com"
# What the wallet and the gateway need with Stripe itself (docker-compose.yml defaults to the
# simulator; a value already set wins).
REAL_STRIPE_ENV = {
    "STRIPE_API_BASE": STRIPE_API,
    "STRIPE_BROWSER_API_BASE": STRIPE_API,
    "GATEWAY_CSP_CARD_ORIGINS": "stripe",
}
DEV_ADMIN = re.compile(r"created the development admin (\S+) / (\S+)")


def compose_cli(which: Callable[[str], str | None] = shutil.which) -> list[str]:
    """``docker compose`` (v2) if it answers, else ``docker-compose`` (1.29); [] if neither."""
    if which("docker") and _answers(["docker", "compose", "version"]):
        return ["docker", "compose"]
    if which("docker-compose") and _answers(["docker-compose", "version"]):
        return ["docker-compose"]
    return []


def _answers(cmd: Sequence[str]) -> bool:
    try:
        return subprocess.run(cmd, capture_output=True, check=False, timeout=30).returncode == 0  # noqa: S603
    except (OSError, subprocess.TimeoutExpired):
        return False


def simulator_wanted(env: Mapping[str, str]) -> bool:
    """No real Stripe key (none, or the simulator's own): deposits go to the simulator."""
    return env.get("STRIPE_SECRET_KEY", "") in ("", SIMULATOR_SECRET_KEY)


def compose_env(env: Mapping[str, str]) -> dict[str, str]:
    """The environment compose runs with: with real Stripe keys, Stripe itself for the wallet
    and the gateway's card-form CSP (values already set win)."""
    out = dict(env)
    if not simulator_wanted(env):
        for name, value in REAL_STRIPE_ENV.items():
            if not out.get(name):
                out[name] = value
    return out


def services_to_start(all_services: Sequence[str], env: Mapping[str, str]) -> list[str]:
    """The services to name on ``up``: none (= all) with the simulator, else all but it."""
    if simulator_wanted(env):
        return []
    return [name for name in all_services if name != SIMULATOR_SERVICE]


def status_of(url: str) -> int:
    try:
        with urllib.request.urlopen(url, timeout=3) as answer:  # noqa: S310 (local http only)
            return int(answer.status)
    except urllib.error.HTTPError as exc:
        return exc.code
    except (urllib.error.URLError, OSError):
        return 0


def wait_for(
    urls: Sequence[str], timeout_s: float, interval_s: float = 2.0, progress_s: float = 30.0
) -> dict[str, int]:
    """Each URL's last status, polled until all answer 200 or the time is up."""
    deadline = time.monotonic() + timeout_s
    next_note = time.monotonic() + progress_s
    status: dict[str, int] = {}
    while True:
        status = {url: status_of(url) for url in urls}
        if all(code == 200 for code in status.values()) or time.monotonic() >= deadline:
            return status
        if time.monotonic() >= next_note:
            waiting = ", ".join(f"{u} ({c or 'no answer'})" for u, c in status.items() if c != 200)
            print(f"compose-up: still waiting for {waiting}", flush=True)
            next_note += progress_s
        time.sleep(interval_s)


def admin_credentials(env: Mapping[str, str], auth_logs: str) -> str:
    """The admin to sign in as: ADMIN_EMAIL/ADMIN_PASSWORD, else what auth printed on its first
    start (the development admin), else where to look."""
    if env.get("ADMIN_EMAIL") and env.get("ADMIN_PASSWORD"):
        return f"{env['ADMIN_EMAIL']} / {env['ADMIN_PASSWORD']} (ADMIN_EMAIL / ADMIN_PASSWORD)"
    found = DEV_ADMIN.findall(auth_logs)
    if found:
        email, password = found[-1]
        return f"{email} / {password} (printed by auth on its first start)"
    return (
        "admin@example.com, password printed by auth on its first start only (its log was "
        "recreated since): set ADMIN_EMAIL and ADMIN_PASSWORD to choose one"
    )


def summary(env: Mapping[str, str], admin: str) -> str:
    lines = [
        "",
        f"LOOSELINE is up in Docker Compose: open {GATEWAY}/",
        f"  API docs (Swagger UI): {GATEWAY}/api/docs   health: {GATEWAY}/health",
        f"  mail inbox (verification codes): {MAIL_INBOX}",
        f"  OAuth provider (the app's Google and GitHub buttons): {OAUTH}",
        f"  Telegram messages (Bot API stand-in): {TELEGRAM}",
    ]
    if simulator_wanted(env):
        lines.append(
            f"  Stripe simulator: {SIMULATOR} (test card pm_card_visa / 4242 4242 4242 4242;"
            " webhooks to the gateway)"
        )
    else:
        lines.append("  Stripe: the real API with your STRIPE_SECRET_KEY (no simulator)")
    lines += [
        f"  admin: {admin}",
        "  first bet as a new user: README.md, 'Your first bet'.  Stop: make down"
        " (the data volume stays).",
        "",
    ]
    return "\n".join(lines)


def run(
    cmd: Sequence[str], env: Mapping[str, str], capture: bool = False
) -> subprocess.CompletedProcess[str]:
    return subprocess.run(  # noqa: S603 (our own compose command)
        list(cmd), cwd=ROOT, env=dict(env), text=True, capture_output=capture, check=False
    )


def up(compose: list[str], timeout_s: float, build: bool) -> int:
    env = compose_env(os.environ)
    services: list[str] = []
    if not simulator_wanted(env):
        listed = run([*compose, "config", "--services"], env, capture=True)
        if listed.returncode != 0:
            sys.stderr.write(listed.stderr)
            return listed.returncode
        services = services_to_start(listed.stdout.split(), env)
        print("compose-up: real Stripe keys set: Stripe itself, no simulator", flush=True)
    started = run([*compose, "up", *(["--build"] if build else []), "-d", *services], env)
    if started.returncode != 0:
        return started.returncode
    urls = [f"{GATEWAY}/health", MAIL_INBOX] + (
        [f"{SIMULATOR}/health"] if simulator_wanted(env) else []
    )
    print(f"compose-up: waiting up to {timeout_s:.0f} s for {', '.join(urls)}", flush=True)
    status = wait_for(urls, timeout_s)
    if not all(code == 200 for code in status.values()):
        print(f"\ncompose-up: not ready in {timeout_s:.0f} s: {status}", file=sys.stderr)
        run([*compose, "ps"], env)
        print(
            "  a one-shot that exited non-zero (db-bootstrap, broker-users, *-migrate, events-demo)"
            f" stops the rest: `{' '.join(compose)} logs <service>`",
            file=sys.stderr,
        )
        return 1
    logs = run([*compose, "logs", "--no-color", "auth"], env, capture=True).stdout or ""
    print(summary(env, admin_credentials(env, logs)), flush=True)
    return 0


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("action", nargs="?", choices=("up", "down"), default="up")
    parser.add_argument("--timeout", type=float, default=600.0, help="seconds to become ready")
    parser.add_argument("--no-build", action="store_true", help="use the images already built")
    args = parser.parse_args(argv)
    compose = compose_cli()
    if not compose:
        print(
            "compose-up: neither 'docker compose' (v2) nor 'docker-compose' answers: install Docker"
            " and one of them (`make run` runs the platform without Docker)",
            file=sys.stderr,
        )
        return 1
    if args.action == "down":
        return run([*compose, "down"], os.environ).returncode
    return up(compose, args.timeout, build=not args.no_build)


if __name__ == "__main__":
    sys.exit(main())
