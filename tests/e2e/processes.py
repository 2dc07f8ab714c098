"""The platform as real processes for the black-box suite: start, wait ready, stop, read logs.

Every process is what ``make run`` starts (``scripts/devrun.py``): the six domain services and
the gateway as ``uvicorn <svc>.entrypoints.api.app:create_app --factory``, the SMTP sink
(``python -m devtools.mailsink``), the Telegram Bot API stand-in (``python -m
devtools.telegram_api``) and the Stripe simulator (``python -m stripe_simulator``), each
on a free local port, with its output in a log file of its own. ``replicas=2`` starts two of every
money-path service (one of each side service) and two gateways, each gateway given every address
of every upstream; ``replicas_of``
sets one service's count (``"gateway"`` too), e.g. ``{"bets": 3, "wallet": 3, "gateway": 2}``.
"""

from __future__ import annotations

import asyncio
import contextlib
import os
import signal
import socket
import subprocess
import sys
import time
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path

import httpx

DOMAIN_SERVICES = ("auth", "events", "bets", "wallet", "notifications", "partners")
# Consumers beside the money path: small pools (they hold few connections at a time).
SIDE_SERVICES = ("notifications", "partners")
# Started, and ready, before the rest: a consumer's queue exists only once it has started, and
# RabbitMQ drops a message no queue is bound for (e.g. auth's UserRegistered of the first
# admin, published at its startup, would never open the admin's wallet).
CONSUMERS_FIRST = ("events", "bets", "wallet", "notifications", "partners")
# The simulator's published defaults (tools/stripe-simulator): keys that only it accepts.
STRIPE_SECRET_KEY = "sk_test_looseline_simulator"
STRIPE_PUBLISHABLE_KEY = "pk_test_looseline_simulator"
STRIPE_WEBHOOK_SECRET = "whsec_looseline_simulator"
# Any token does for the Telegram Bot API stand-in; notifications need one to turn Telegram on.
TELEGRAM_BOT_TOKEN = "123456:looseline-e2e-bot-token"
ADMIN_EMAIL = "admin@e2e.looseline.dev"
DAILY_WITHDRAWAL_LIMIT_MINOR = 20_000  # 200.00 a day
ADMIN_PASSWORD = "E2e-admin-Passw0rd!"
# Settings a developer's shell or .env may carry that must not leak into the run's processes.
FOREIGN_PREFIXES = (
    "AUTH_",
    "EVENTS_",
    "BETS_",
    "WALLET_",
    "NOTIFICATIONS_",
    "PARTNERS_",
    "GATEWAY_",
    "STRIPE_",
    "REPORTS_",
)
FOREIGN_SHARED = (
    "ENVIRONMENT",
    "RABBITMQ_URL",
    "EXCHANGE_NAME",
    "QUEUE_PREFIX",
    "REDIS_URL",
    "REDIS_PREFIX",
    "JWT_JWKS",
    "JWT_JWKS_URL",
    "ADMIN_EMAIL",
    "ADMIN_PASSWORD",
    "SMTP_PORT",
    "MAILSINK_HTTP_PORT",
)


def free_ports(count: int) -> list[int]:
    """``count`` distinct ports the kernel had free a moment ago (all held until all are known)."""
    with contextlib.ExitStack() as stack:
        sockets = [stack.enter_context(socket.socket()) for _ in range(count)]
        for sock in sockets:
            sock.bind(("127.0.0.1", 0))
        return [int(sock.getsockname()[1]) for sock in sockets]


@dataclass
class Process:
    """One running program, its log file and the URL that proves it ready."""

    name: str
    argv: list[str]
    env: dict[str, str]
    ready_url: str
    log_path: Path
    # The platform runs without it (its steps fail with its log), e.g. the Stripe simulator.
    required: bool = True
    # 0: started first (stand-ins, the consumers), 1: once those are ready.
    phase: int = 0
    popen: subprocess.Popen[bytes] | None = None
    ready: bool = False

    def start(self, *, append: bool = False) -> None:
        """Start the program; ``append`` keeps the log of an earlier run (a restart)."""
        with self.log_path.open("ab" if append else "wb") as log:
            self.popen = subprocess.Popen(
                [sys.executable, *self.argv],
                env=self.env,
                stdout=log,
                stderr=subprocess.STDOUT,
                start_new_session=True,  # a Ctrl-C on pytest does not hit them half-way
            )

    @property
    def exited(self) -> bool:
        return self.popen is not None and self.popen.poll() is not None

    def log_tail(self, lines: int = 80) -> str:
        try:
            text = self.log_path.read_text(errors="replace")
        except OSError:
            return "(no log)"
        return "\n".join(text.splitlines()[-lines:])

    def terminate(self) -> None:
        if self.popen is not None and self.popen.poll() is None:
            self.popen.send_signal(signal.SIGTERM)

    def wait_or_kill(self, deadline: float) -> None:
        if self.popen is None:
            return
        try:
            self.popen.wait(timeout=max(deadline - time.monotonic(), 0.1))
        except subprocess.TimeoutExpired:
            self.popen.kill()
            self.popen.wait(timeout=5)


@dataclass
class PlatformLayout:
    """Where everything of one run listens, and the shared settings every process gets."""

    replicas: int
    database_urls: dict[str, str]
    # Each service's (and the gateway's) own broker login: user named as the service.
    rabbitmq_urls: dict[str, str]
    exchange_name: str
    queue_prefix: str
    redis_url: str
    redis_prefix: str
    log_dir: Path
    # Settings a suite adds to (or overrides in) every process's environment.
    extra_env: dict[str, str] = field(default_factory=dict)
    # Options a suite adds to the Stripe simulator's command line (e.g. duplicate webhooks).
    simulator_args: list[str] = field(default_factory=list)
    # Replicas of one service (or of the gateway) other than ``replicas``, e.g. {"bets": 3}.
    replicas_of: dict[str, int] = field(default_factory=dict)
    ports: Iterator[int] = field(init=False)
    service_ports: dict[str, list[int]] = field(init=False)
    gateway_ports: list[int] = field(init=False)
    smtp_port: int = field(init=False)
    inbox_port: int = field(init=False)
    simulator_port: int = field(init=False)
    telegram_port: int = field(init=False)

    def __post_init__(self) -> None:
        every = (*DOMAIN_SERVICES, "gateway")
        self.ports = iter(free_ports(sum(self.count_of(svc) for svc in every) + 4))
        self.service_ports = {
            svc: [next(self.ports) for _ in range(self.count_of(svc))] for svc in DOMAIN_SERVICES
        }
        self.gateway_ports = [next(self.ports) for _ in range(self.count_of("gateway"))]
        self.smtp_port = next(self.ports)
        self.inbox_port = next(self.ports)
        self.simulator_port = next(self.ports)
        self.telegram_port = next(self.ports)

    def count_of(self, service: str) -> int:
        """How many processes of ``service`` (or ``"gateway"``) run: ``replicas`` unless set;
        one of each side service (notifications, partners: off the money path, their own suites
        race two senders) unless set, so two of everything stays within two cores."""
        default = 1 if service in SIDE_SERVICES else self.replicas
        return self.replicas_of.get(service, default)

    @property
    def gateway_urls(self) -> list[str]:
        return [f"http://127.0.0.1:{port}" for port in self.gateway_ports]

    @property
    def inbox_url(self) -> str:
        return f"http://127.0.0.1:{self.inbox_port}"

    @property
    def simulator_url(self) -> str:
        return f"http://127.0.0.1:{self.simulator_port}"

    @property
    def telegram_url(self) -> str:
        return f"http://127.0.0.1:{self.telegram_port}"

    def upstream(self, service: str) -> str:
        return ",".join(f"http://127.0.0.1:{port}" for port in self.service_ports[service])

    def shared_env(self) -> dict[str, str]:
        env = {
            key: value
            for key, value in os.environ.items()
            if not key.startswith(FOREIGN_PREFIXES) and key not in FOREIGN_SHARED
        }
        auth_first = self.service_ports["auth"][0]
        env.update(
            {
                "ENVIRONMENT": "test",
                "LOG_LEVEL": "INFO",
                "LOG_JSON": "true",
                "EXCHANGE_NAME": self.exchange_name,
                "QUEUE_PREFIX": self.queue_prefix,
                "REDIS_URL": self.redis_url,
                "REDIS_PREFIX": self.redis_prefix,
                "JWT_JWKS_URL": f"http://127.0.0.1:{auth_first}/api/auth/.well-known/jwks.json",
                "ADMIN_EMAIL": ADMIN_EMAIL,
                "ADMIN_PASSWORD": ADMIN_PASSWORD,
                "STRIPE_SECRET_KEY": STRIPE_SECRET_KEY,
                "STRIPE_PUBLISHABLE_KEY": STRIPE_PUBLISHABLE_KEY,
                "STRIPE_WEBHOOK_SECRET": STRIPE_WEBHOOK_SECRET,
                "STRIPE_API_BASE": self.simulator_url,
                "PYTHONUNBUFFERED": "1",
            }
        )
        return env

    def service_env(self, service: str, port: int) -> dict[str, str]:
        prefix = service.upper()
        env = self.shared_env()
        env[f"{prefix}_PORT"] = str(port)
        env[f"{prefix}_RABBITMQ_URL"] = self.rabbitmq_urls[service]
        if service in self.database_urls:
            side = service in SIDE_SERVICES
            env.update(
                {
                    f"{prefix}_DATABASE_URL": self.database_urls[service],
                    # Two replicas of six services share PostgreSQL's 100 connection slots.
                    f"{prefix}_DB_POOL_SIZE": "2" if side else "5",
                    f"{prefix}_DB_MAX_OVERFLOW": "2" if side else "3",
                    # Fast hand-over between services: the relay also wakes on NOTIFY.
                    f"{prefix}_OUTBOX_POLL_INTERVAL_S": "0.5",
                    f"{prefix}_CONSUMER_RETRY_DELAY_MS": "300",
                }
            )
        if service == "auth":
            env.update(
                {
                    "AUTH_SMTP_HOST": "127.0.0.1",
                    "AUTH_SMTP_PORT": str(self.smtp_port),
                    "AUTH_PUBLIC_URL": self.gateway_urls[0],
                }
            )
        if service == "notifications":
            env.update(
                {
                    "NOTIFICATIONS_SMTP_HOST": "127.0.0.1",
                    "NOTIFICATIONS_SMTP_PORT": str(self.smtp_port),
                    "NOTIFICATIONS_TELEGRAM_API_BASE": self.telegram_url,
                    "NOTIFICATIONS_TELEGRAM_BOT_TOKEN": TELEGRAM_BOT_TOKEN,
                    "NOTIFICATIONS_SEND_INTERVAL_S": "0.5",
                }
            )
        if service == "wallet":
            # Small enough that the suite's second withdrawal of the day goes over it.
            env["WALLET_WITHDRAWAL_DAILY_LIMIT_MINOR"] = str(DAILY_WITHDRAWAL_LIMIT_MINOR)
            env["WALLET_REPORT_DIR"] = str(self.log_dir / "reports")
        if service == "gateway":
            env.update(
                {
                    "GATEWAY_AUTH_URL": self.upstream("auth"),
                    "GATEWAY_EVENTS_URL": self.upstream("events"),
                    "GATEWAY_BETS_URL": self.upstream("bets"),
                    "GATEWAY_WALLET_URL": self.upstream("wallet"),
                    "GATEWAY_NOTIFICATIONS_URL": self.upstream("notifications"),
                    "GATEWAY_PARTNERS_URL": self.upstream("partners"),
                    # The whole suite comes from one IP and a few users within a minute.
                    "GATEWAY_RATE_LIMIT_PER_IP": "100000",
                    "GATEWAY_RATE_LIMIT_PER_USER": "100000",
                    "GATEWAY_RATE_LIMIT_STRICT": "10000",
                    "GATEWAY_STREAM_HEARTBEAT_S": "2",
                    # A reality check's "minute" is a second: the browser suite sees the dialog.
                    "GATEWAY_REALITY_CHECK_UNIT_S": "1",
                }
            )
        env.update(self.extra_env)
        return env

    def processes(self) -> list[Process]:
        found = [
            Process(
                "mailsink",
                [
                    "-m",
                    "devtools.mailsink",
                    "--host",
                    "127.0.0.1",
                    "--smtp-port",
                    str(self.smtp_port),
                    "--http-port",
                    str(self.inbox_port),
                ],
                self.shared_env(),
                f"{self.inbox_url}/api/messages",
                self.log_dir / "mailsink.log",
            ),
            Process(
                "telegram-api",
                [
                    "-m",
                    "devtools.telegram_api",
                    "--host",
                    "127.0.0.1",
                    "--port",
                    str(self.telegram_port),
                ],
                self.shared_env(),
                f"{self.telegram_url}/health",
                self.log_dir / "telegram-api.log",
            ),
            Process(
                "stripe-simulator",
                [
                    "-m",
                    "stripe_simulator",
                    "--port",
                    str(self.simulator_port),
                    "--webhook-url",
                    f"{self.gateway_urls[0]}/api/webhook/stripe",
                    # The app's card form, served by the gateways, confirms at the simulator.
                    "--cors-origins",
                    ",".join(self.gateway_urls),
                    *self.simulator_args,
                ],
                self.shared_env(),
                f"{self.simulator_url}/health",
                self.log_dir / "stripe-simulator.log",
                required=False,
            ),
        ]
        every = [(svc, ports) for svc, ports in self.service_ports.items()]
        every.append(("gateway", self.gateway_ports))
        for service, ports in every:
            for replica, port in enumerate(ports, start=1):
                name = f"{service}-{replica}"
                app = f"{service}.entrypoints.api.app:create_app"
                argv = ["-m", "uvicorn", app, "--factory", "--host", "127.0.0.1"]
                # With access logs (production runs without, docs/runbook.md): the journey
                # reads them to see every replica serve; the bench logs at WARNING.
                argv += ["--port", str(port), "--no-proxy-headers"]
                found.append(
                    Process(
                        name,
                        argv,
                        self.service_env(service, port),
                        f"http://127.0.0.1:{port}/health/ready",
                        self.log_dir / f"{name}.log",
                        phase=0 if service in CONSUMERS_FIRST else 1,
                    )
                )
        return found


class PlatformFailed(RuntimeError):
    pass


async def wait_ready(processes: list[Process], timeout_s: float) -> None:
    """Poll every ready URL until all answer 200; fail at once when a required one exits.

    A process that is not required and exits, or is not ready by the deadline, is left out
    (``ready`` stays False): the steps that need it fail, the others run."""
    deadline = time.monotonic() + timeout_s
    waiting = {p.name: p for p in processes}
    async with httpx.AsyncClient(timeout=2) as client:
        while waiting:
            for name, process in list(waiting.items()):
                if process.exited and process.required:
                    raise PlatformFailed(f"{name} exited:\n{process.log_tail()}")
                if process.exited:
                    del waiting[name]
                    continue
                with contextlib.suppress(httpx.TransportError):
                    if (await client.get(process.ready_url)).status_code == 200:
                        process.ready = True
                        del waiting[name]
            if time.monotonic() > deadline:
                if not any(p.required for p in waiting.values()):
                    return
                tails = "\n\n".join(f"== {n}\n{p.log_tail(30)}" for n, p in waiting.items())
                raise PlatformFailed(f"not ready in {timeout_s:.0f} s: {sorted(waiting)}\n{tails}")
            await asyncio.sleep(0.2)


def stop_all(processes: list[Process], timeout_s: float = 15.0) -> None:
    """SIGTERM to all at once (they stop in parallel), then SIGKILL what is still there."""
    for process in processes:
        process.terminate()
    deadline = time.monotonic() + timeout_s
    for process in processes:
        process.wait_or_kill(deadline)
