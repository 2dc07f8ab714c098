#!/usr/bin/env bash
# Validate docker-compose.yml with a real Compose parser (no Docker engine needed), then check
# the project's own rules on the resolved configuration:
#   - only the gateway publishes ports;
#   - every long-running service has a healthcheck (one-shot services - those another service
#     waits on with `condition: service_completed_successfully` - are exempt);
#   - the five application services exist and are built from the root Dockerfile with
#     SERVICE=<app> (target `auth` for auth, `gateway` for the gateway, the default for the rest);
#   - every other service that builds an application's image (migrations, bootstrap) builds it
#     exactly as that application does, so one tag never holds two different builds.
#
# Usage: scripts/validate-compose.sh [path/to/docker-compose.yml]
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
import os
import sys

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

APPS = ("auth", "events", "bets", "wallet", "gateway")
# The root Dockerfile's stages that add to an application's image; the others take the default.
TARGETS = {"auth": "auth", "gateway": "gateway"}


def build_args(build):
    args = build.get("args") or {}
    if isinstance(args, list):  # ["SERVICE=auth"]
        args = dict(item.partition("=")[::2] for item in args)
    return args


def image_name(svc):
    return str(svc.get("image") or "").rpartition("/")[2].partition(":")[0]


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

publishing = sorted(name for name, svc in services.items() if svc.get("ports"))
if publishing != ["gateway"]:
    errors.append(f"only 'gateway' may publish ports; publishing: {publishing}")

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
print(f"validate-compose: rules OK - images from the root Dockerfile by SERVICE; ports published only "
      f"by gateway; healthchecks on {long_running}; one-shot: {sorted(one_shot)}")
PY
