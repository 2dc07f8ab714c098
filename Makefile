# LOOSELINE — entry points. `make run` to start everything locally, `make test` to test.
SHELL := /bin/bash
UV ?= $(shell command -v uv >/dev/null 2>&1 && echo uv || echo "python3 -m uv")
DOMAIN_SERVICES := auth events bets wallet notifications partners

# Settings come from the environment; a local .env (copy .env.example) is read if present.
-include .env
export

.PHONY: help install infra migrate demo-data run run-smoke test lint fmt up down compose-check bench bench-scaleout chaos audit \
	web-install web-api web-check web-lint web-build web-e2e

help:
	@echo "make run | test | lint | fmt | migrate | up | compose-check | bench | bench-scaleout | chaos | audit"
	@echo "     web-install | web-api | web-check | web-build | web-e2e"

install:
	@command -v uv >/dev/null 2>&1 || python3 -m uv --version >/dev/null 2>&1 || python3 -m pip install --quiet uv
	$(UV) sync --all-packages --frozen

infra:
	@scripts/ensure-infra.sh

migrate: install infra
	$(UV) run --no-sync looseline-db-bootstrap
	@for svc in $(DOMAIN_SERVICES); do \
	  echo "migrate: $$svc"; \
	  $(UV) run --no-sync alembic -c services/$$svc/alembic.ini upgrade head || exit 1; \
	done
	@# The bus's exchanges and one RabbitMQ user per service (docs/runbook.md, RabbitMQ users).
	$(UV) run --no-sync python -m common.messaging.users $(DOMAIN_SERVICES) gateway
	@# Every consumer's queues exist before any publisher starts (docs/runbook.md, Migrate).
	$(UV) run --no-sync python -m common.messaging.declare $(DOMAIN_SERVICES)

# The events demo catalogue (~200 events, idempotent): a new user sees a living sportsbook.
demo-data: migrate
	$(UV) run --no-sync python -m events.entrypoints.cli load-demo

# The gateway serves the web app's build (web/dist) at / on the API's origin.
run: migrate demo-data web-build
	$(UV) run --no-sync python scripts/devrun.py

# Start everything, check every /health/ready and the gateway's /health, stop (used by CI).
run-smoke: migrate
	$(UV) run --no-sync python scripts/devrun.py --smoke

# Python's suites, then the web app's checks and its browser suite against the real platform.
test: install infra
	$(UV) run --no-sync pytest --durations=30
	$(MAKE) web-check
	$(MAKE) web-e2e

lint: install
	$(UV) run --no-sync ruff check .
	$(UV) run --no-sync ruff format --check .
	$(UV) run --no-sync mypy libs/common/src libs/devtools/src services/auth/src services/events/src services/bets/src services/wallet/src services/notifications/src services/partners/src services/gateway/src tools/stripe-simulator/src services/wallet/tests/support bench tests/chaos
	$(MAKE) web-lint

fmt: install
	$(UV) run --no-sync ruff check --fix .
	$(UV) run --no-sync ruff format .

# The platform in Docker Compose (docker compose v2, else docker-compose 1.29): build, start in
# the background, wait until the gateway and the stand-ins answer, print the URLs and the admin.
up:
	@python3 scripts/compose_up.py up

# Stop and remove the containers (the data volume stays: the next `make up` finds it).
down:
	@python3 scripts/compose_up.py down

compose-check:
	@scripts/validate-compose.sh

# Known vulnerabilities in uv.lock (pip-audit) and web/ (npm audit); says plainly when no
# vulnerability database answers from this machine (docs/security.md).
audit: install
	$(UV) run --no-sync python scripts/audit.py

bench: install infra
	$(UV) run --no-sync python scripts/bench_bus.py
	$(UV) run --no-sync python scripts/bench_settlement.py
	$(UV) run --no-sync python -m bench $(BENCH_ARGS)

# Scale-out (docs/benchmarks.md): 3 bets, 3 wallet, 2 gateways behind a local load balancer,
# one of each killed by kill -9 mid-load; recovery, lost requests, the ledger checked.
# SCALEOUT_ARGS="--duration-s 60 --concurrency 16 --seed 7".
bench-scaleout: install infra
	$(UV) run --no-sync python -m bench.scaleout $(SCALEOUT_ARGS)

# The bank-invariant chaos run (docs/reliability.md): 10 000 money operations with two replicas
# of everything under kill -9, RabbitMQ stop/start, pg_terminate_backend, proxy faults and a
# wallet paused past the saga timeout; report in chaos-results/. CHAOS_ARGS="--seed 7" replays.
chaos: install infra
	$(UV) run --no-sync python -m tests.chaos $(CHAOS_ARGS)

# --- the web app (web/, docs/e2e.md "The browser suite") -----------------------------------------
# Node packages exactly as locked; Playwright never downloads a browser (Debian's Chromium is
# used: scripts/ensure-chromium.sh). The other web targets install only when the lock is newer
# than the last install (npm ci rewrites node_modules/.package-lock.json).
WEB_DEPS := web/node_modules/.package-lock.json
export PLAYWRIGHT_SKIP_BROWSER_DOWNLOAD := 1

web-install:
	cd web && npm ci --no-audit --no-fund

$(WEB_DEPS): web/package.json web/package-lock.json
	cd web && npm ci --no-audit --no-fund

# The OpenAPI document from the code, then the TypeScript types from it.
web-api: install $(WEB_DEPS)
	$(UV) run --no-sync python scripts/export_openapi.py
	cd web && npm run api:types

# The committed OpenAPI document and types are what the code produces; lint, types, unit tests.
web-check: install $(WEB_DEPS)
	$(UV) run --no-sync python scripts/export_openapi.py --check
	@tmp=$$(mktemp --suffix=.ts) && trap 'rm -f "$$tmp"' EXIT && \
	  (cd web && npx openapi-typescript src/shared/api/openapi.json -o "$$tmp" >/dev/null) && \
	  if ! cmp -s "$$tmp" web/src/shared/api/schema.ts; then \
	    echo "web/src/shared/api/schema.ts is stale: run \`make web-api\`" >&2; exit 1; fi
	cd web && npm run lint
	cd web && npm run typecheck
	cd web && npm test

web-lint: $(WEB_DEPS)
	cd web && npm run lint

web-build: $(WEB_DEPS)
	cd web && npm run build

# Builds web/dist, starts the whole platform for the run (tests/e2e/serve_platform.py) and
# drives Chromium through the specs in web/e2e; screenshots land in docs/screenshots/.
web-e2e: install infra web-build
	scripts/ensure-chromium.sh
	cd web && npx playwright test $(E2E_ARGS)
