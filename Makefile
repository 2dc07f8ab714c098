# LOOSELINE — entry points. `make run` to start everything locally, `make test` to test.
SHELL := /bin/bash
UV ?= $(shell command -v uv >/dev/null 2>&1 && echo uv || echo "python3 -m uv")
DOMAIN_SERVICES := auth events bets wallet

# Settings come from the environment; a local .env (copy .env.example) is read if present.
-include .env
export

.PHONY: help install infra migrate demo-data run run-smoke test lint fmt up compose-check bench audit

help:
	@echo "make run | test | lint | fmt | migrate | up | compose-check | bench | audit"

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

run: migrate demo-data
	$(UV) run --no-sync python scripts/devrun.py

# Start everything, check every /health/ready and the gateway's /health, stop (used by CI).
run-smoke: migrate
	$(UV) run --no-sync python scripts/devrun.py --smoke

test: install infra
	$(UV) run --no-sync pytest

lint: install
	$(UV) run --no-sync ruff check .
	$(UV) run --no-sync ruff format --check .
	$(UV) run --no-sync mypy libs/common/src libs/devtools/src services/auth/src services/events/src services/bets/src services/wallet/src services/gateway/src tools/stripe-simulator/src bench

fmt: install
	$(UV) run --no-sync ruff check --fix .
	$(UV) run --no-sync ruff format .

up:
	docker compose up --build || docker-compose up --build

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
