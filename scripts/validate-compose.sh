#!/usr/bin/env bash
# Validate docker-compose.yml with a real Compose parser (no Docker engine needed), then check
# the project's own rules on the resolved configuration:
#   - the gateway publishes 8000; the local stand-ins (SMTP sink, Stripe simulator, OAuth
#     provider, Telegram Bot API; the Dockerfile's `standins` target) publish on 127.0.0.1 only;
#     nothing else publishes;
#   - every long-running service has a healthcheck (one-shot services - those another service
#     waits on with `condition: service_completed_successfully` - are exempt);
#   - the seven application services exist and are built from the root Dockerfile with
#     SERVICE=<app> (target `auth` for auth, `gateway` for the gateway, the default for the rest);
#   - every other service that builds an application's image (migrations, bootstrap) builds it
#     exactly as that application does, so one tag never holds two different builds;
#   - wiring (what `make up` and README.md's "Your first bet" need): an address a container calls
#     (database, broker, Redis, JWKS, upstreams, SMTP, Stripe, OAuth token/profile, Telegram,
#     webhooks) is never loopback and names a service of this file when it is a bare name; an
#     address a browser opens (public URL, checkout returns, OAuth authorize, the card form's
#     Stripe, its CSP) on 127.0.0.1/localhost is a published port; SMTP on a service goes to the
#     SMTP sink's SMTP port; the wallet's Stripe on a service is the simulator (same keys, the
#     browser at its public URL, the gateway's CSP allowing it, its webhooks to the gateway's
#     /api/webhook/stripe); the OAuth and Telegram services run their stand-ins, the OAuth one
#     registering auth's callbacks; every <SVC>_DATABASE_URL logs in as looseline_<svc> and every
#     <SVC>_RABBITMQ_URL as <svc>, and an application sees only its own; the events demo
#     catalogue is a one-shot after events' migration that the gateway waits for.
#
# Usage: scripts/validate-compose.sh [path/to/docker-compose.yml]
# (The variables of the calling shell, and a .env beside the file, are applied as Compose does:
# a make-run .env with 127.0.0.1 addresses in compose variables fails here, not in a container.)
# Parser: `docker-compose` if present, else `docker compose` (v2 plugin), else - when running as
# root with apt-get - Debian's docker-compose is installed; otherwise the script fails.
set -euo pipefail

repo_root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
compose_file="${1:-$repo_root/docker-compose.yml}"
[[ -f "$compose_file" ]] || { echo "validate-compose: no such file: $compose_file" >&2; exit 1; }

compose=()
if command -v docker-compose >/dev/null 2>&1 && docker-compose version >/dev/null 2>&1; then
  compose=(docker-compose)
elif command -v docker >/dev/null 2>&1 && docker compose version >/dev/null 2>&1; then
  compose=(docker compose)
elif [[ "$(id -u)" -eq 0 ]] && command -v apt-get >/dev/null 2>&1; then
  echo "validate-compose: no Compose CLI found; installing Debian's docker-compose" >&2
  export DEBIAN_FRONTEND=noninteractive
  apt-get update -qq
  apt-get install -y -qq docker-compose >/dev/null
  compose=(docker-compose)
else
  echo "validate-compose: FAIL - neither 'docker-compose' nor 'docker compose' is available," >&2
  echo "  and it cannot be installed here (needs root and apt-get)." >&2
  echo "  Install one: 'apt-get install docker-compose' or the Docker Compose v2 plugin." >&2
  exit 1
fi
echo "validate-compose: parser: ${compose[*]} ($("${compose[@]}" version 2>/dev/null | head -n1))"

# A compose_file's relative paths (build contexts) resolve against its own directory.
cd "$(dirname "$compose_file")"
file_arg=(-f "$(basename "$compose_file")")

# 1. Schema / syntax / interpolation check by the real parser.
"${compose[@]}" "${file_arg[@]}" config -q
echo "validate-compose: '${compose[*]} config -q' OK"

# 2. Project rules, checked on the fully resolved config (anchors, merges, defaults applied).
resolved="$(mktemp)"
trap 'rm -f "$resolved"' EXIT
"${compose[@]}" "${file_arg[@]}" config >"$resolved"

# A Python with PyYAML: the one on PATH, else Debian's (docker-compose 1.x depends on python3-yaml).
py=""
for candidate in python3 /usr/bin/python3; do
  if command -v "$candidate" >/dev/null 2>&1 && "$candidate" -c 'import yaml' >/dev/null 2>&1; then
    py="$candidate"
    break
  fi
done
[[ -n "$py" ]] || { echo "validate-compose: FAIL - need python3 with PyYAML for the rule checks" >&2; exit 1; }

"$py" - "$resolved" "$compose_file" <<'PY'
import ipaddress
import json
import os
import sys
from urllib.parse import urlsplit

import yaml

with open(sys.argv[1]) as fh:
    cfg = yaml.safe_load(fh)
services = cfg.get("services") or {}
errors = []


def duplicate_keys(node, path="$"):
    """Keys given twice in one mapping of the file as written: YAML keeps the last silently
    (so does docker-compose 1.x), Compose v2 refuses the file."""
    if isinstance(node, yaml.MappingNode):
        seen = set()
        for key, value in node.value:
            name = getattr(key, "value", None)
            if isinstance(name, str) and name != "<<":
                if name in seen:
                    yield f"{path}.{name} (line {key.start_mark.line + 1})"
                seen.add(name)
            yield from duplicate_keys(value, f"{path}.{name}")
    elif isinstance(node, yaml.SequenceNode):
        for item in node.value:
            yield from duplicate_keys(item, path)


with open(sys.argv[2]) as fh:
    for where in duplicate_keys(yaml.compose(fh)):
        errors.append(f"key given twice: {where}")

APPS = ("auth", "events", "bets", "wallet", "notifications", "partners", "gateway")
DOMAIN = APPS[:-1]
# The root Dockerfile's stages that add to an application's image; the others take the default.
TARGETS = {"auth": "auth", "gateway": "gateway"}
# The local stand-ins: the module each runs (python -m ...), all from the `standins` target.
STANDIN_MODULES = ("devtools.mailsink", "stripe_simulator", "devtools.oauth_provider", "devtools.telegram_api")
LOOPBACK_NAMES = {"localhost", "localhost.localdomain", "ip6-localhost"}


def build_args(build):
    args = build.get("args") or {}
    if isinstance(args, list):  # ["SERVICE=auth"]
        args = dict(item.partition("=")[::2] for item in args)
    return args


def image_name(svc):
    return str(svc.get("image") or "").rpartition("/")[2].partition(":")[0]


def env_of(svc):
    env = svc.get("environment") or {}
    if isinstance(env, list):
        env = dict(item.partition("=")[::2] for item in env)
    return {k: "" if v is None else str(v) for k, v in env.items()}


def command_of(svc):
    cmd = svc.get("command") or []
    return [str(c) for c in cmd] if isinstance(cmd, list) else str(cmd).split()


def option(cmd, name, default=None):
    return cmd[cmd.index(name) + 1] if name in cmd and cmd.index(name) + 1 < len(cmd) else default


def module_of(svc):
    cmd = command_of(svc)
    return option(cmd, "-m")


def published(svc):
    """(host_ip, host_port, container_port) of each published port, any Compose version's form."""
    out = []
    for port in svc.get("ports") or []:
        if isinstance(port, dict):
            host_ip = str(port.get("host_ip") or "")
            host, target = port.get("published"), port.get("target")
        else:  # "127.0.0.1:8025:8025/tcp", "8000:8000", "8000"
            parts = str(port).partition("/")[0].split(":")
            target = parts[-1]
            host = parts[-2] if len(parts) >= 2 else None
            host_ip = ":".join(parts[:-2]) if len(parts) >= 3 else ""
        out.append((host_ip, int(host) if host not in (None, "") else None, int(target)))
    return out


def is_loopback(host):
    host = (host or "").strip("[]").lower()
    if host in LOOPBACK_NAMES:
        return True
    try:
        return ipaddress.ip_address(host).is_loopback
    except ValueError:
        return False


def host_port(url, default_port=None):
    parts = urlsplit(url if "//" in url else f"//{url}")
    try:
        port = parts.port
    except ValueError:
        port = None
    if port is None:
        port = {"http": 80, "https": 443}.get(parts.scheme, default_port)
    return (parts.hostname or ""), port


def is_bare_name(host):
    if not host or "." in host or ":" in host:
        return False
    try:
        ipaddress.ip_address(host)
        return False
    except ValueError:
        return True


# --- images ----------------------------------------------------------------------------------
for app in APPS:
    svc = services.get(app)
    if svc is None:
        errors.append(f"application service '{app}' is missing")
        continue
    build = svc.get("build")
    build = build if isinstance(build, dict) else {}
    expected = f"the root Dockerfile with SERVICE={app}"
    if app in TARGETS:
        expected += f" and target {TARGETS[app]}"
    targets = {TARGETS[app]} if app in TARGETS else {None, "runtime"}
    target = build.get("target")
    if (
        build.get("dockerfile") != "Dockerfile"
        or os.path.realpath(str(build.get("context", ""))) != os.path.realpath(".")
        or build_args(build).get("SERVICE") != app
        or target not in targets
    ):
        errors.append(
            f"'{app}' must build from {expected} (got dockerfile={build.get('dockerfile')!r}, "
            f"context={build.get('context')!r}, args={build_args(build)!r}, target={target!r})"
        )

for name, svc in sorted(services.items()):
    app = image_name(svc)
    if name in APPS or app not in APPS or "build" not in svc or app not in services:
        continue
    if svc["build"] != services[app].get("build"):
        errors.append(f"'{name}' builds image {svc['image']!r} unlike '{app}' does")

# One tag, one build: services sharing an image (the stand-ins, too) build it identically.
builds_by_image = {}
for name, svc in sorted(services.items()):
    if "build" in svc and svc.get("image"):
        builds_by_image.setdefault(str(svc["image"]), []).append((name, svc["build"]))
for image, builds in builds_by_image.items():
    first_name, first = builds[0]
    for name, build in builds[1:]:
        if build != first:
            errors.append(f"'{name}' builds image {image!r} unlike '{first_name}' does")

standins = {name: svc for name, svc in services.items() if module_of(svc) in STANDIN_MODULES}
for name, svc in sorted(standins.items()):
    build = svc.get("build") if isinstance(svc.get("build"), dict) else {}
    if (
        build.get("dockerfile") != "Dockerfile"
        or os.path.realpath(str(build.get("context", ""))) != os.path.realpath(".")
        or build.get("target") != "standins"
    ):
        errors.append(f"stand-in '{name}' must build from the root Dockerfile's target standins")
    if option(command_of(svc), "--host") != "0.0.0.0":
        errors.append(f"stand-in '{name}' must listen on 0.0.0.0 (--host): it binds 127.0.0.1 by default")


def running(module):
    return [name for name, svc in standins.items() if module_of(svc) == module]


# --- ports -----------------------------------------------------------------------------------
host_ports = {}  # published host port -> (service, container port)
for name, svc in sorted(services.items()):
    ports = published(svc)
    for host_ip, host, target in ports:
        if host is not None:
            host_ports[host] = (name, target)
    if not ports or name == "gateway":
        continue
    if name not in standins:
        errors.append(f"only 'gateway' and the local stand-ins may publish ports; '{name}' does")
        continue
    for host_ip, host, target in ports:
        if not is_loopback(host_ip):
            errors.append(
                f"stand-in '{name}' must publish on 127.0.0.1 only (got {host_ip or '0.0.0.0'}:{host}:{target})"
            )
if "gateway" in services and not any(t == 8000 for _, _, t in published(services["gateway"])):
    errors.append("'gateway' must publish its port 8000")


# --- addresses ---------------------------------------------------------------------------------
def server_side(var):
    """Addresses a container calls (its own loopback is not where the other service is)."""
    return (
        var in ("REDIS_URL", "JWT_JWKS_URL", "DB_ADMIN_URL", "RABBITMQ_ADMIN_URL", "STRIPE_API_BASE")
        or var.endswith(("_DATABASE_URL", "_RABBITMQ_URL", "_SMTP_HOST", "_TELEGRAM_API_BASE"))
        or (var.startswith("GATEWAY_") and var.endswith("_URL"))
        or (var.startswith(("AUTH_GOOGLE_", "AUTH_GITHUB_")) and var.endswith("_URL") and "AUTHORIZE" not in var)
    )


def browser_side(var):
    return var in ("AUTH_PUBLIC_URL", "STRIPE_BROWSER_API_BASE", "GATEWAY_CSP_CARD_ORIGINS") or (
        var.startswith(("WALLET_CHECKOUT_", "AUTH_GOOGLE_AUTHORIZE", "AUTH_GITHUB_AUTHORIZE"))
    )


def check_server_address(where, value):
    host, _ = host_port(value)
    if is_loopback(host):
        errors.append(f"{where}={value!r}: loopback inside a container is the container itself")
    elif is_bare_name(host) and host not in services:
        errors.append(f"{where}={value!r}: no service '{host}' in this file")


def check_browser_address(where, value):
    host, port = host_port(value)
    if is_loopback(host) and port not in host_ports:
        errors.append(f"{where}={value!r}: the browser opens it, but no service publishes port {port}")
    elif is_bare_name(host) and host not in LOOPBACK_NAMES:
        errors.append(f"{where}={value!r}: a compose service name does not resolve in the browser")


for name, svc in sorted(services.items()):
    for var, value in sorted(env_of(svc).items()):
        items = [v.strip() for v in value.split(",") if v.strip()]
        if server_side(var):
            for item in items:
                check_server_address(f"{name}: {var}", item)
        elif browser_side(var):
            for item in items:
                if item != "stripe":
                    check_browser_address(f"{name}: {var}", item)
    cmd = command_of(svc)
    if option(cmd, "--webhook-url"):
        check_server_address(f"{name}: --webhook-url", option(cmd, "--webhook-url"))
    if option(cmd, "--public-url"):
        check_browser_address(f"{name}: --public-url", option(cmd, "--public-url"))


def service_at(value):
    host, port = host_port(value)
    return (host, port) if host in services else (None, port)


# SMTP: a service's SMTP host on the network is the sink, at its SMTP port.
for name, svc in sorted(services.items()):
    env = env_of(svc)
    for var, host in sorted(env.items()):
        if not var.endswith("_SMTP_HOST") or host not in services:
            continue
        sink = services[host]
        port = env.get(var.replace("_HOST", "_PORT"), "25")
        if module_of(sink) != "devtools.mailsink":
            errors.append(f"{name}: {var}={host!r} is not the SMTP sink (devtools.mailsink)")
        elif str(port) != option(command_of(sink), "--smtp-port", "1025"):
            errors.append(f"{name}: {var} port {port} is not {host}'s --smtp-port")

# Stripe: the wallet on the simulator, consistently; or on Stripe itself.
wallet = env_of(services.get("wallet") or {})
gateway_env = env_of(services.get("gateway") or {})
csp = [o.strip().rstrip("/") for o in gateway_env.get("GATEWAY_CSP_CARD_ORIGINS", "").split(",") if o.strip()]
sim_name, sim_port = service_at(wallet.get("STRIPE_API_BASE", ""))
if sim_name:
    sim = services[sim_name]
    cmd = command_of(sim)
    public = (option(cmd, "--public-url") or "").rstrip("/")
    if module_of(sim) != "stripe_simulator":
        errors.append(f"wallet: STRIPE_API_BASE names '{sim_name}', which is not the Stripe simulator")
    else:
        if str(sim_port) != option(cmd, "--port", "12111"):
            errors.append(f"wallet: STRIPE_API_BASE port {sim_port} is not {sim_name}'s --port")
        sim_env = env_of(sim)
        for key in ("STRIPE_SECRET_KEY", "STRIPE_PUBLISHABLE_KEY", "STRIPE_WEBHOOK_SECRET"):
            if wallet.get(key) != sim_env.get(key):
                errors.append(f"wallet and {sim_name} must share {key} (the simulator checks it / signs with it)")
        if not public:
            errors.append(f"{sim_name}: --public-url (where browsers reach it) is missing")
        if (wallet.get("STRIPE_BROWSER_API_BASE") or "").rstrip("/") != public:
            errors.append(f"wallet: STRIPE_BROWSER_API_BASE must be {sim_name}'s public URL {public!r}")
        if public and public not in csp:
            errors.append(f"gateway: GATEWAY_CSP_CARD_ORIGINS {csp} must allow {sim_name}'s public URL {public!r}")
        hook = option(cmd, "--webhook-url") or ""
        hook_host, hook_port = host_port(hook)
        if hook_host != "gateway" or urlsplit(hook).path != "/api/webhook/stripe":
            errors.append(f"{sim_name}: --webhook-url {hook!r} must be the gateway's /api/webhook/stripe")
        elif hook_port != int(gateway_env.get("GATEWAY_PORT", 8000)):
            errors.append(f"{sim_name}: --webhook-url port {hook_port} is not the gateway's")
elif "STRIPE_API_BASE" in wallet and host_port(wallet["STRIPE_API_BASE"])[0] == "api.stripe.com":
    if (wallet.get("STRIPE_BROWSER_API_BASE") or "https://api.stripe.com").rstrip("/") != "https://api.stripe.com":
        errors.append("wallet: with Stripe itself, STRIPE_BROWSER_API_BASE must be https://api.stripe.com")
    if csp and csp != ["stripe"]:
        errors.append(f"gateway: with Stripe itself, GATEWAY_CSP_CARD_ORIGINS must be 'stripe' (got {csp})")

# OAuth: auth's providers on a service are the stand-in, which knows auth's callbacks.
auth = env_of(services.get("auth") or {})
for provider, token_var in (("google", "AUTH_GOOGLE_TOKEN_URL"), ("github", "AUTH_GITHUB_TOKEN_URL")):
    prov_name, _ = service_at(auth.get(token_var, ""))
    if not prov_name:
        continue
    prov = services[prov_name]
    if module_of(prov) != "devtools.oauth_provider":
        errors.append(f"auth: {token_var} names '{prov_name}', which is not the OAuth stand-in")
        continue
    _, authorize_port = host_port(auth.get(f"AUTH_{provider.upper()}_AUTHORIZE_URL", ""))
    if host_ports.get(authorize_port, (None,))[0] != prov_name:
        errors.append(f"auth: AUTH_{provider.upper()}_AUTHORIZE_URL is not {prov_name}'s published port")
    try:
        clients = json.loads(env_of(prov).get("OAUTH_PROVIDER_CLIENTS") or "{}")
    except ValueError:
        errors.append(f"{prov_name}: OAUTH_PROVIDER_CLIENTS is not JSON")
        continue
    client = clients.get(auth.get(f"AUTH_{provider.upper()}_CLIENT_ID", ""))
    uris = (client.get("redirect_uris") if isinstance(client, dict) else (client or [None, []])[1]) or []
    callback = f"{auth.get('AUTH_PUBLIC_URL', '').rstrip('/')}/auth/callback/{provider}"
    if callback not in uris:
        errors.append(f"{prov_name}: auth's client must register {callback} (OAUTH_PROVIDER_CLIENTS)")

notif = env_of(services.get("notifications") or {})
tg_name, tg_port = service_at(notif.get("NOTIFICATIONS_TELEGRAM_API_BASE", ""))
if tg_name and (
    module_of(services[tg_name]) != "devtools.telegram_api"
    or str(tg_port) != option(command_of(services[tg_name]), "--port")
):
    errors.append(f"notifications: NOTIFICATIONS_TELEGRAM_API_BASE is not the Telegram stand-in's port")

# Databases and broker users: each URL logs in as its service's own role / user; an application
# (and whatever runs its image) sees only its own.
for name, svc in sorted(services.items()):
    owner = image_name(svc) if image_name(svc) in APPS else None
    for var, value in sorted(env_of(svc).items()):
        for suffix, login in (("_DATABASE_URL", "looseline_{}"), ("_RABBITMQ_URL", "{}")):
            if not var.endswith(suffix):
                continue
            svc_name = var[: -len(suffix)].lower()
            user = urlsplit(value).username
            if svc_name in APPS and user != login.format(svc_name):
                errors.append(f"{name}: {var} logs in as {user!r}, not {login.format(svc_name)!r}")
            if owner and name not in ("db-bootstrap", "broker-users") and svc_name != owner:
                errors.append(f"{name} ({owner}'s image) must not see {var}")

# The demo catalogue: a one-shot of events' image after its migration, awaited by the gateway.
demo = [
    name
    for name, svc in services.items()
    if module_of(svc) == "events.entrypoints.cli" and "load-demo" in command_of(svc)
]
if not demo:
    errors.append("no one-shot loads the events demo catalogue (events.entrypoints.cli load-demo)")
for name in demo:
    svc = services[name]
    deps = svc.get("depends_on") or {}
    if image_name(svc) != "events" or (deps.get("events-migrate") or {}).get("condition") != "service_completed_successfully":
        errors.append(f"'{name}' must run events' image after events-migrate completed")
    gw_deps = (services.get("gateway") or {}).get("depends_on") or {}
    if (gw_deps.get(name) or {}).get("condition") != "service_completed_successfully":
        errors.append(f"'gateway' must wait for '{name}' (service_completed_successfully)")

# --- lifecycles --------------------------------------------------------------------------------
one_shot = {
    dep
    for svc in services.values()
    for dep, spec in (svc.get("depends_on") or {}).items()
    if isinstance(spec, dict) and spec.get("condition") == "service_completed_successfully"
}
for name, svc in sorted(services.items()):
    if name in one_shot:
        if svc.get("restart", "no") not in ("no", None):
            errors.append(f"one-shot service '{name}' must not restart (restart: {svc['restart']!r})")
        continue
    hc = svc.get("healthcheck") or {}
    test = hc.get("test")
    if not test or hc.get("disable") or test in (["NONE"], "NONE"):
        errors.append(f"long-running service '{name}' has no healthcheck")

if errors:
    for e in errors:
        print(f"validate-compose: FAIL - {e}", file=sys.stderr)
    sys.exit(1)
long_running = sorted(set(services) - one_shot)
print(
    f"validate-compose: rules OK - images from the root Dockerfile by SERVICE (stand-ins: target "
    f"standins); published: gateway, stand-ins on 127.0.0.1 {sorted(standins)}; wiring of SMTP, "
    f"Stripe, OAuth, Telegram, databases, broker users, demo data; healthchecks on "
    f"{long_running}; one-shot: {sorted(one_shot)}"
)
PY
