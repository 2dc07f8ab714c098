"""`make up` gives a new user the platform README.md's "Your first bet" walks through.

No Docker engine here: the compose file is resolved by a real Compose CLI (`docker compose`
v2 or `docker-compose` 1.29, as scripts/validate-compose.sh picks) and what the walk needs is
asserted on that resolved configuration; scripts/validate-compose.sh's rules are run on it and
on broken variants; scripts/compose_up.py's decisions and its wait are checked against a real
HTTP server.
"""

from __future__ import annotations

import http.server
import importlib.util
import json
import os
import re
import shutil
import socket
import subprocess
import threading
from collections.abc import Iterator, Mapping
from pathlib import Path
from types import ModuleType
from typing import Any
from urllib.parse import urlsplit

import pytest
import yaml  # type: ignore[import-untyped]

ROOT = Path(__file__).resolve().parents[1]
COMPOSE_FILE = ROOT / "docker-compose.yml"
VALIDATOR = ROOT / "scripts" / "validate-compose.sh"
SIMULATOR_KEYS = {
    "STRIPE_SECRET_KEY": "sk_test_looseline_simulator",
    "STRIPE_PUBLISHABLE_KEY": "pk_test_looseline_simulator",
    "STRIPE_WEBHOOK_SECRET": "whsec_looseline_simulator",
}


def _compose_cli() -> list[str]:
    for cmd in (["docker", "compose"], ["docker-compose"]):
        if shutil.which(cmd[0]):
            answer = subprocess.run([*cmd, "version"], capture_output=True, check=False)
            if answer.returncode == 0:
                return cmd
    return []


COMPOSE = _compose_cli()
needs_compose = pytest.mark.skipif(
    not COMPOSE, reason="no Compose CLI (docker compose / docker-compose) to resolve the file"
)


def clean_env(**extra: str) -> dict[str, str]:
    """Only what a shell needs: no variable of the caller's (or a make-exported .env) leaks in."""
    env = {k: os.environ[k] for k in ("PATH", "HOME", "LANG") if k in os.environ}
    env.update(extra)
    return env


def copy_compose(tmp_path: Path, text: str | None = None) -> Path:
    """The compose file alone in a fresh folder: no .env beside it, so Compose reads none."""
    target = tmp_path / "docker-compose.yml"
    target.write_text(COMPOSE_FILE.read_text() if text is None else text)
    return target


def resolve(tmp_path: Path, **env: str) -> dict[str, Any]:
    path = copy_compose(tmp_path)
    out = subprocess.run(
        [*COMPOSE, "-f", str(path), "config"],
        cwd=tmp_path,
        env=clean_env(**env),
        capture_output=True,
        text=True,
        check=True,
    )
    config: dict[str, Any] = yaml.safe_load(out.stdout)
    return config


def validate(path: Path, **env: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [str(VALIDATOR), str(path)],
        env=clean_env(**env),
        capture_output=True,
        text=True,
        check=False,
    )


def env_of(config: Mapping[str, Any], service: str) -> dict[str, str]:
    env = config["services"][service].get("environment") or {}
    return {k: "" if v is None else str(v) for k, v in env.items()}


def command_of(config: Mapping[str, Any], service: str) -> list[str]:
    return [str(c) for c in config["services"][service]["command"]]


def option(cmd: list[str], name: str) -> str:
    return cmd[cmd.index(name) + 1]


def published(config: Mapping[str, Any]) -> dict[int, tuple[str, str, int]]:
    """Host port -> (service, host address, container port), in either Compose's form."""
    out: dict[int, tuple[str, str, int]] = {}
    for name, svc in config["services"].items():
        for port in svc.get("ports") or []:
            if isinstance(port, dict):
                host_ip, host, target = port.get("host_ip", ""), port["published"], port["target"]
            else:
                parts = str(port).partition("/")[0].split(":")
                host_ip = ":".join(parts[:-2]) if len(parts) >= 3 else ""
                host, target = parts[-2], parts[-1]
            out[int(host)] = (name, str(host_ip or "0.0.0.0"), int(target))
    return out


def walk_section() -> str:
    readme = (ROOT / "README.md").read_text()
    start = readme.index("## Your first bet")
    return readme[start : readme.index("\n## ", start + 1)]


@pytest.fixture(scope="module")
def config(tmp_path_factory: pytest.TempPathFactory) -> dict[str, Any]:
    if not COMPOSE:
        pytest.skip("no Compose CLI")
    return resolve(tmp_path_factory.mktemp("compose"))


# --- the resolved file: what the README's walk needs --------------------------------------------


@needs_compose
def test_every_port_the_walk_opens_is_published_on_localhost(config: dict[str, Any]) -> None:
    ports = published(config)
    used = {int(p) for p in re.findall(r"http://127\.0\.0\.1:(\d+)", walk_section())}
    assert used >= {8000, 8025, 12111}, "the walk itself changed: update this test"
    assert {port: ports[port][0] for port in used} == {
        8000: "gateway",
        8025: "mailsink",
        12111: "stripe-simulator",
    }
    assert ports[8000][2] == 8000
    # Stand-ins only on the loopback interface; OAuth (the app's buttons) and Telegram too.
    for port in (8025, 12111, 8030, 8031):
        assert ports[port][1] == "127.0.0.1"
    assert ports[8030][0] == "oauth-provider"
    assert ports[8031][0] == "telegram-api"
    backends = {"postgres", "rabbitmq", "redis", "auth", "events", "bets", "wallet"}
    assert not backends & {svc for svc, _, _ in ports.values()}


@needs_compose
def test_verification_mail_lands_in_the_inbox_the_walk_reads(config: dict[str, Any]) -> None:
    sink = command_of(config, "mailsink")
    assert sink[:3] == ["python", "-m", "devtools.mailsink"]
    assert option(sink, "--host") == "0.0.0.0"
    assert published(config)[8025] == ("mailsink", "127.0.0.1", int(option(sink, "--http-port")))
    for service, prefix in (("auth", "AUTH"), ("notifications", "NOTIFICATIONS")):
        env = env_of(config, service)
        assert env[f"{prefix}_SMTP_HOST"] == "mailsink"
        assert env[f"{prefix}_SMTP_PORT"] == option(sink, "--smtp-port")
        deps = config["services"][service]["depends_on"]
        assert deps["mailsink"]["condition"] == "service_healthy"


@needs_compose
def test_card_deposits_go_through_the_simulator_and_its_webhook_reaches_the_gateway(
    config: dict[str, Any],
) -> None:
    wallet, gateway = env_of(config, "wallet"), env_of(config, "gateway")
    simulator = command_of(config, "stripe-simulator")
    assert simulator[:3] == ["python", "-m", "stripe_simulator"]
    assert wallet["STRIPE_API_BASE"] == f"http://stripe-simulator:{option(simulator, '--port')}"
    # The walk's confirm call uses the simulator's publishable key at its published port.
    assert "pk_test_looseline_simulator" in walk_section()
    assert {k: wallet[k] for k in SIMULATOR_KEYS} == SIMULATOR_KEYS
    sim_env = env_of(config, "stripe-simulator")
    assert {k: sim_env[k] for k in SIMULATOR_KEYS} == SIMULATOR_KEYS
    assert option(simulator, "--public-url") == "http://127.0.0.1:12111"
    assert wallet["STRIPE_BROWSER_API_BASE"] == "http://127.0.0.1:12111"
    assert gateway["GATEWAY_CSP_CARD_ORIGINS"] == "http://127.0.0.1:12111"
    hook = urlsplit(option(simulator, "--webhook-url"))
    assert (hook.hostname, hook.port, hook.path) == ("gateway", 8000, "/api/webhook/stripe")
    assert "http://127.0.0.1:8000" in sim_env["STRIPE_SIMULATOR_CORS_ORIGINS"].split(",")


@needs_compose
def test_checkout_and_sign_in_return_to_the_app_the_user_opened(config: dict[str, Any]) -> None:
    wallet, auth = env_of(config, "wallet"), env_of(config, "auth")
    assert auth["AUTH_PUBLIC_URL"] == "http://127.0.0.1:8000"
    assert wallet["WALLET_CHECKOUT_SUCCESS_URL"] == (
        "http://127.0.0.1:8000/wallet/deposit/done?session_id={CHECKOUT_SESSION_ID}"
    )
    assert wallet["WALLET_CHECKOUT_CANCEL_URL"] == "http://127.0.0.1:8000/wallet/deposit/cancelled"
    # OAuth: the browser at the stand-in's published port, auth on the network, callbacks known.
    clients = json.loads(env_of(config, "oauth-provider")["OAUTH_PROVIDER_CLIENTS"])
    secret, uris = clients["looseline-dev"]
    for provider in ("GOOGLE", "GITHUB"):
        assert auth[f"AUTH_{provider}_CLIENT_ID"] == "looseline-dev"
        assert auth[f"AUTH_{provider}_CLIENT_SECRET"] == secret
        assert auth[f"AUTH_{provider}_AUTHORIZE_URL"] == "http://127.0.0.1:8030/authorize"
        assert auth[f"AUTH_{provider}_TOKEN_URL"] == "http://oauth-provider:8030/token"
        assert f"http://127.0.0.1:8000/auth/callback/{provider.lower()}" in uris
    assert auth["AUTH_GOOGLE_USERINFO_URL"] == "http://oauth-provider:8030/userinfo"
    assert auth["AUTH_GITHUB_EMAILS_URL"] == "http://oauth-provider:8030/user/emails"


@needs_compose
def test_the_first_page_has_events_the_demo_catalogue_loads_before_the_gateway(
    config: dict[str, Any],
) -> None:
    demo = config["services"]["events-demo"]
    assert command_of(config, "events-demo") == [
        "python",
        "-m",
        "events.entrypoints.cli",
        "load-demo",
    ]
    assert demo["image"] == config["services"]["events"]["image"]
    assert demo["build"] == config["services"]["events"]["build"]
    assert env_of(config, "events-demo") == env_of(config, "events")
    assert demo["depends_on"]["events-migrate"]["condition"] == "service_completed_successfully"
    assert demo.get("restart", "no") == "no"
    gateway_deps = config["services"]["gateway"]["depends_on"]
    assert gateway_deps["events-demo"]["condition"] == "service_completed_successfully"


@needs_compose
def test_telegram_goes_to_the_stand_in_and_every_service_shares_currency_and_keys(
    config: dict[str, Any],
) -> None:
    notifications = env_of(config, "notifications")
    assert notifications["NOTIFICATIONS_TELEGRAM_API_BASE"] == "http://telegram-api:8031"
    assert notifications["NOTIFICATIONS_TELEGRAM_BOT_TOKEN"]
    apps = ("auth", "events", "bets", "wallet", "notifications", "partners", "gateway")
    for app in apps:
        env = env_of(config, app)
        assert env["CURRENCY"] == "USD"
        assert env["JWT_JWKS_URL"] == "http://auth:8000/api/auth/.well-known/jwks.json"


@needs_compose
def test_a_known_admin_is_passed_to_auth(tmp_path: Path) -> None:
    config = resolve(tmp_path, ADMIN_EMAIL="boss@example.com", ADMIN_PASSWORD="Boss-Passw0rd-1")
    auth = env_of(config, "auth")
    assert (auth["ADMIN_EMAIL"], auth["ADMIN_PASSWORD"]) == ("boss@example.com", "Boss-Passw0rd-1")


@needs_compose
def test_the_standins_image_builds_from_this_repository(config: dict[str, Any]) -> None:
    dockerfile = (ROOT / "Dockerfile").read_text()
    stages = re.findall(r"^FROM \S+ AS (\S+)", dockerfile, flags=re.MULTILINE)
    assert "standins" in stages
    assert stages[-1] == "runtime", "the default target must stay the last stage"
    for name in ("mailsink", "stripe-simulator", "oauth-provider", "telegram-api"):
        build = config["services"][name]["build"]
        assert build["target"] == "standins"
        assert Path(build["context"]).resolve() == config_context(config)
    # The gateway's image serves the web app (its own stage copies web/dist).
    assert "COPY --from=web /web/dist /app/web/dist" in dockerfile
    assert config["services"]["gateway"]["build"]["target"] == "gateway"


def config_context(config: dict[str, Any]) -> Path:
    return Path(config["services"]["gateway"]["build"]["context"]).resolve()


# --- scripts/validate-compose.sh ----------------------------------------------------------------


@needs_compose
def test_the_compose_file_passes_the_project_rules(tmp_path: Path) -> None:
    answer = validate(copy_compose(tmp_path))
    assert answer.returncode == 0, answer.stderr
    assert "rules OK" in answer.stdout


@needs_compose
@pytest.mark.parametrize(
    ("env", "complaint"),
    [
        # make run's .env values, which mean the container itself under compose.
        ({"SMTP_RELAY_HOST": "127.0.0.1"}, "AUTH_SMTP_HOST='127.0.0.1': loopback"),
        ({"STRIPE_API_BASE": "http://127.0.0.1:12111"}, "STRIPE_API_BASE='http://127.0.0.1:12111'"),
        ({"SMTP_RELAY_PORT": "25"}, "port 25 is not mailsink's --smtp-port"),
        ({"SMTP_RELAY_HOST": "redis"}, "'redis' is not the SMTP sink"),
        (
            {"STRIPE_BROWSER_API_BASE": "http://stripe-simulator:12111"},
            "does not resolve in the browser",
        ),
        ({"GATEWAY_CSP_CARD_ORIGINS": "stripe"}, "must allow stripe-simulator's public URL"),
        ({"STRIPE_API_BASE": "https://api.stripe.com"}, "must be 'stripe'"),
        ({"PUBLIC_URL": "http://127.0.0.1:9000"}, "no service publishes port 9000"),
        ({"NOTIFICATIONS_TELEGRAM_API_BASE": "http://telegram:8031"}, "no service 'telegram'"),
    ],
)
def test_the_validator_refuses_wiring_that_breaks_the_walk(
    tmp_path: Path, env: dict[str, str], complaint: str
) -> None:
    answer = validate(copy_compose(tmp_path), **env)
    assert answer.returncode == 1
    assert complaint in answer.stderr


@needs_compose
@pytest.mark.parametrize(
    ("old", "new", "complaint"),
    [
        (
            '      - "127.0.0.1:8025:8025"',
            '      - "8025:8025"',
            "stand-in 'mailsink' must publish on 127.0.0.1 only",
        ),
        (
            "    image: redis:7\n",
            '    image: redis:7\n    ports: ["6379:6379"]\n',
            "'redis' does",
        ),
        (
            '"--host", "0.0.0.0", "--port", "8030"',
            '"--port", "8030"',
            "stand-in 'oauth-provider' must listen on 0.0.0.0",
        ),
        (
            "AUTH_PUBLIC_URL: ${PUBLIC_URL:-http://127.0.0.1:8000}",
            "AUTH_PUBLIC_URL: ${PUBLIC_URL:-http://127.0.0.1:8000}/x",
            "auth's client must register http://127.0.0.1:8000/x/auth/callback/google",
        ),
        (
            'command: ["python", "-m", "events.entrypoints.cli", "load-demo"]',
            'command: ["true"]',
            "no one-shot loads the events demo catalogue",
        ),
        (
            "  BETS_DATABASE_URL: postgresql+asyncpg://looseline_bets:",
            "  BETS_DATABASE_URL: postgresql+asyncpg://looseline_wallet:",
            "BETS_DATABASE_URL logs in as 'looseline_wallet', not 'looseline_bets'",
        ),
    ],
)
def test_the_validator_refuses_a_broken_file(
    tmp_path: Path, old: str, new: str, complaint: str
) -> None:
    text = COMPOSE_FILE.read_text()
    assert text.count(old) == 1, f"the file changed: {old!r}"
    answer = validate(copy_compose(tmp_path, text.replace(old, new)))
    assert answer.returncode == 1
    assert complaint in answer.stderr


# --- scripts/compose_up.py ------------------------------------------------------------------------


@pytest.fixture
def compose_up() -> ModuleType:
    spec = importlib.util.spec_from_file_location(
        "looseline_compose_up", ROOT / "scripts" / "compose_up.py"
    )
    assert spec is not None
    assert spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def test_the_simulator_runs_unless_real_stripe_keys_are_set(compose_up: ModuleType) -> None:
    services = ["postgres", "wallet", "stripe-simulator", "gateway"]
    for env in (
        {},
        {"STRIPE_SECRET_KEY": ""},
        {"STRIPE_SECRET_KEY": "sk_test_looseline_simulator"},
    ):
        assert compose_up.simulator_wanted(env)
        assert compose_up.compose_env(env) == env
        assert compose_up.services_to_start(services, env) == []  # all of them
    real = {"STRIPE_SECRET_KEY": "sk_test_51Real", "STRIPE_BROWSER_API_BASE": "https://x.example"}
    assert not compose_up.simulator_wanted(real)
    assert compose_up.services_to_start(services, real) == ["postgres", "wallet", "gateway"]
    assert compose_up.compose_env(real) == {
        **real,
        "STRIPE_API_BASE": "https://api.stripe.com",
        "GATEWAY_CSP_CARD_ORIGINS": "stripe",
    }


@needs_compose
def test_real_stripe_settings_from_make_up_pass_the_validator(
    compose_up: ModuleType, tmp_path: Path
) -> None:
    env = compose_up.compose_env(
        {
            "STRIPE_SECRET_KEY": "sk_test_51Real",
            "STRIPE_PUBLISHABLE_KEY": "pk_test_51Real",
            "STRIPE_WEBHOOK_SECRET": "whsec_real",
        }
    )
    answer = validate(copy_compose(tmp_path), **env)
    assert answer.returncode == 0, answer.stderr
    wallet = env_of(resolve(tmp_path, **env), "wallet")
    assert wallet["STRIPE_API_BASE"] == "https://api.stripe.com"
    assert wallet["STRIPE_SECRET_KEY"] == "sk_test_51Real"


def test_admin_credentials_come_from_the_environment_or_auths_first_log(
    compose_up: ModuleType,
) -> None:
    chosen = {"ADMIN_EMAIL": "boss@example.com", "ADMIN_PASSWORD": "Boss-1"}
    assert compose_up.admin_credentials(chosen, "").startswith("boss@example.com / Boss-1")
    logs = (
        "auth-1  | \n"
        "auth-1  |   auth: created the development admin admin@example.com / s3cr3t-Pw_x\n"
        "auth-1  |   (set ADMIN_EMAIL and ADMIN_PASSWORD to choose your own)\n"
    )
    assert compose_up.admin_credentials({}, logs).startswith("admin@example.com / s3cr3t-Pw_x")
    assert "set ADMIN_EMAIL and ADMIN_PASSWORD" in compose_up.admin_credentials({}, "no such line")
    text = compose_up.summary({}, "admin@example.com / pw")
    for url in ("http://127.0.0.1:8000/", "http://127.0.0.1:8025/api/messages", "127.0.0.1:12111"):
        assert url in text


class _Flaky(http.server.BaseHTTPRequestHandler):
    """/health answers 503 twice, then 200."""

    calls = 0

    def do_GET(self) -> None:
        type(self).calls += 1
        self.send_response(200 if type(self).calls > 2 else 503)
        self.send_header("content-length", "0")
        self.end_headers()

    def log_message(self, *_args: object) -> None:
        pass


@pytest.fixture
def flaky_server() -> Iterator[str]:
    _Flaky.calls = 0
    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), _Flaky)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{server.server_address[1]}/health"
    server.shutdown()
    server.server_close()


def test_up_waits_until_the_gateway_answers_200(compose_up: ModuleType, flaky_server: str) -> None:
    status = compose_up.wait_for([flaky_server], timeout_s=10, interval_s=0.05)
    assert status == {flaky_server: 200}
    assert _Flaky.calls == 3


def test_up_gives_up_on_a_port_nobody_listens_on(compose_up: ModuleType) -> None:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        closed = f"http://127.0.0.1:{probe.getsockname()[1]}/health"
    assert compose_up.wait_for([closed], timeout_s=0.3, interval_s=0.05) == {closed: 0}
