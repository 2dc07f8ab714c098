#!/usr/bin/env bash
# Make sure PostgreSQL, RabbitMQ and Redis answer; start the local ones if installed but down.
# Hosts/ports come from the environment (PGHOST/PGPORT, RABBITMQ_HOST/PORT, REDIS_HOST/PORT).
# RabbitMQ's management API (RABBITMQ_MANAGEMENT_PORT) must answer too: the broker's users and
# permissions are provisioned through it (python -m common.messaging.users, docs/runbook.md).
set -euo pipefail

PGHOST=${PGHOST:-127.0.0.1}; PGPORT=${PGPORT:-5432}
RABBITMQ_HOST=${RABBITMQ_HOST:-127.0.0.1}; RABBITMQ_PORT=${RABBITMQ_PORT:-5672}
RABBITMQ_MANAGEMENT_PORT=${RABBITMQ_MANAGEMENT_PORT:-15672}
RABBITMQ_CONF=${RABBITMQ_CONFIG_FILE:-/etc/rabbitmq/rabbitmq.conf}
REDIS_HOST=${REDIS_HOST:-127.0.0.1}; REDIS_PORT=${REDIS_PORT:-6379}

answers() { (exec 3<>"/dev/tcp/$1/$2") 2>/dev/null; }

wait_for() {  # name host port seconds
  local i
  for ((i = 0; i < $4 * 2; i++)); do answers "$2" "$3" && { echo "infra: $1 up on $2:$3"; return 0; }; sleep 0.5; done
  echo "infra: $1 did not come up on $2:$3 within $4 s" >&2; return 1
}

start_postgres() {
  if command -v pg_ctlcluster >/dev/null && [ -d /etc/postgresql ]; then
    local version; version=$(ls /etc/postgresql | sort -V | tail -n 1)
    pg_ctlcluster --skip-systemctl-redirect "$version" main start || true
  else
    echo "infra: PostgreSQL is down on $PGHOST:$PGPORT and no local cluster is installed" >&2; return 1
  fi
}

# The suite, two replicas of each service and `make bench` at 256 bets in flight need more than
# PostgreSQL's default 100 connections: a local cluster gets 400 (ALTER SYSTEM, one restart).
raise_postgres_connections() {
  local wanted=400 now
  now=$(psql -h "$PGHOST" -p "$PGPORT" -U "${PGUSER:-postgres}" -Atc 'SHOW max_connections' 2>/dev/null) || return 0
  if [ "${now:-0}" -ge "$wanted" ] || ! command -v pg_ctlcluster >/dev/null || [ ! -d /etc/postgresql ]; then return 0; fi
  psql -h "$PGHOST" -p "$PGPORT" -U "${PGUSER:-postgres}" -qc "ALTER SYSTEM SET max_connections = $wanted" || return 0
  local version; version=$(ls /etc/postgresql | sort -V | tail -n 1)
  pg_ctlcluster --skip-systemctl-redirect "$version" main restart
  wait_for PostgreSQL "$PGHOST" "$PGPORT" 30
  echo "infra: PostgreSQL max_connections $now -> $wanted"
}

start_rabbitmq() {
  if command -v rabbitmq-server >/dev/null; then rabbitmq-server -detached || true
  else echo "infra: RabbitMQ is down on $RABBITMQ_HOST:$RABBITMQ_PORT and not installed" >&2; return 1; fi
}

# A local node gets the management plugin, listening on loopback only like its AMQP port: set
# for the running node (no restart) and, when the config file is writable, for its next boots.
enable_rabbitmq_management() {
  if ! command -v rabbitmq-plugins >/dev/null || ! command -v rabbitmqctl >/dev/null; then
    echo "infra: RabbitMQ's management API is down on $RABBITMQ_HOST:$RABBITMQ_MANAGEMENT_PORT;" \
      "enable the rabbitmq_management plugin" >&2; return 1
  fi
  if [ -w "$RABBITMQ_CONF" ] && ! grep -q '^management\.tcp\.' "$RABBITMQ_CONF"; then
    printf 'management.tcp.ip = 127.0.0.1\nmanagement.tcp.port = %s\n' "$RABBITMQ_MANAGEMENT_PORT" >>"$RABBITMQ_CONF"
  fi
  rabbitmqctl -q eval "application:set_env(rabbitmq_management, tcp_config, \
[{ip, \"127.0.0.1\"}, {port, $RABBITMQ_MANAGEMENT_PORT}])." >/dev/null
  rabbitmq-plugins -q enable rabbitmq_management >/dev/null
}

start_redis() {
  if command -v redis-server >/dev/null; then
    mkdir -p /var/lib/redis /var/log/redis 2>/dev/null || true
    redis-server --daemonize yes --bind 127.0.0.1 -::1 --port "$REDIS_PORT" --save "" \
      --appendonly no --dir /var/lib/redis --logfile /var/log/redis/ci.log
  else echo "infra: Redis is down on $REDIS_HOST:$REDIS_PORT and not installed" >&2; return 1; fi
}

answers "$PGHOST" "$PGPORT" || start_postgres
answers "$RABBITMQ_HOST" "$RABBITMQ_PORT" || start_rabbitmq
answers "$REDIS_HOST" "$REDIS_PORT" || start_redis
wait_for PostgreSQL "$PGHOST" "$PGPORT" 30
raise_postgres_connections
wait_for RabbitMQ "$RABBITMQ_HOST" "$RABBITMQ_PORT" 90
answers "$RABBITMQ_HOST" "$RABBITMQ_MANAGEMENT_PORT" || enable_rabbitmq_management
wait_for "RabbitMQ management API" "$RABBITMQ_HOST" "$RABBITMQ_MANAGEMENT_PORT" 60
wait_for Redis "$REDIS_HOST" "$REDIS_PORT" 15
