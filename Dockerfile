# LOOSELINE service images: one Dockerfile for all seven, the service chosen by ARG SERVICE.
# Build context = repository root:
#   docker build --build-arg SERVICE=wallet -t looseline/wallet .  # also events, bets, notifications, partners
#   docker build --build-arg SERVICE=auth --target auth -t looseline/auth .
#   docker build --build-arg SERVICE=gateway --target gateway -t looseline/gateway .
#   docker build --target standins -t looseline/standins .   # make up's local stand-ins (dev only)
#
# Stages `uv-workspace` (uv and every member's pyproject.toml) and `python-runtime` (PATH, the
# uid 10001 user) are the shared starts of the build stages and of the final images.
# Stage `build` resolves nothing: it installs exactly what the committed uv.lock pins for the
# workspace member `looseline-${SERVICE}` (and, through it, looseline-common) into /app/.venv as
# real (non-editable) wheels. Stage `web` builds the web app (web/dist) for the gateway.
# Stage `service` is a clean python:3.11-slim with that venv only: no uv, no compiler, no
# sources of other services, no tests, running as uid 10001. Two services add to it in their
# own stage: `auth` (the avatar volume) and `gateway` (the web app's build, served at /).
# `runtime`, the last stage and so the default target, is the image of events, bets, wallet, notifications and partners;
# it refuses SERVICE=auth and SERVICE=gateway, which would lack what their own stage adds.
ARG PYTHON_IMAGE=python:3.11-slim
ARG NODE_IMAGE=node:20-bookworm-slim

########################################################################################
FROM ${PYTHON_IMAGE} AS uv-workspace

# What both venv-building stages (`build`, `standins-build`) start from: uv and the workspace's
# manifests. uv from PyPI (pinned to the version that wrote uv.lock), so the build needs only PyPI.
ARG UV_VERSION=0.13.9
RUN pip install --no-cache-dir --disable-pip-version-check "uv==${UV_VERSION}"

ENV UV_PROJECT_ENVIRONMENT=/app/.venv \
    UV_PYTHON=/usr/local/bin/python3.11 \
    UV_PYTHON_DOWNLOADS=never \
    UV_COMPILE_BYTECODE=1 \
    UV_LINK_MODE=copy \
    UV_NO_CACHE=1

WORKDIR /src

# uv needs every workspace member's pyproject.toml to load the workspace (the root's
# [tool.uv.sources] names them all; `uv sync --locked` fails without them), so the small
# pyproject files of all members are copied; each build stage then copies only the sources it
# installs.
COPY pyproject.toml uv.lock ./
COPY libs/common/pyproject.toml libs/common/
COPY libs/devtools/pyproject.toml libs/devtools/
COPY services/auth/pyproject.toml services/auth/
COPY services/events/pyproject.toml services/events/
COPY services/bets/pyproject.toml services/bets/
COPY services/wallet/pyproject.toml services/wallet/
COPY services/notifications/pyproject.toml services/notifications/
COPY services/partners/pyproject.toml services/partners/
COPY services/gateway/pyproject.toml services/gateway/
COPY tools/stripe-simulator/pyproject.toml tools/stripe-simulator/

########################################################################################
FROM ${PYTHON_IMAGE} AS python-runtime

# What both final Python images (`service`, `standins`) start from: the venv's bin first on PATH
# and the unprivileged user (uid 10001) they run as.
ENV PATH=/app/.venv/bin:$PATH \
    PYTHONUNBUFFERED=1 \
    PYTHONDONTWRITEBYTECODE=1

RUN groupadd --system --gid 10001 looseline \
 && useradd --system --uid 10001 --gid 10001 --home-dir /app --no-create-home \
        --shell /usr/sbin/nologin looseline

########################################################################################
FROM uv-workspace AS build

# 1) Third-party dependencies only (cached until uv.lock or a pyproject changes).
# The service this image runs (a folder under services/). Declared after uv-workspace so that
# stage is shared by all seven (and the stand-ins); checked before anything is built for it.
ARG SERVICE
RUN if [ -z "${SERVICE}" ] || [ ! -f "services/${SERVICE}/pyproject.toml" ]; then \
      echo "SERVICE='${SERVICE}': pass --build-arg SERVICE=auth|events|bets|wallet|notifications|partners|gateway" >&2; \
      exit 1; \
    fi
RUN uv sync --frozen --no-dev --package "looseline-${SERVICE}" --no-editable --no-install-workspace

# 2) The two workspace members this image runs: looseline-common and looseline-${SERVICE}.
COPY libs/common/src libs/common/src
COPY services/${SERVICE}/src services/${SERVICE}/src
RUN uv sync --frozen --no-dev --package "looseline-${SERVICE}" --no-editable \
 && /app/.venv/bin/python -c "import ${SERVICE}, common"

# 3) The service's Alembic files, staged under /alembic at their repository paths for the
# runtime's one `COPY --from=build /alembic/ /app/`. Staged here because the gateway has none
# and COPY cannot say "if present": a source matching nothing fails the build, and a glob such
# as migration[s] that matches a folder copies only its contents (flattening migrations/ into
# the service's folder). The gateway's /alembic stays empty, so it copies nothing.
COPY services/${SERVICE} /tmp/service
RUN mkdir /alembic \
 && if [ -f /tmp/service/alembic.ini ]; then \
      mkdir -p "/alembic/services/${SERVICE}" \
      && cp -a /tmp/service/alembic.ini /tmp/service/migrations "/alembic/services/${SERVICE}/"; \
    fi

########################################################################################
FROM ${NODE_IMAGE} AS web

# The web app's production build (`npm run build`: tsc, vite, precompress, the first-load
# budget). It needs no Python: the API types (src/shared/api/schema.ts) are committed.
WORKDIR /web
COPY web/package.json web/package-lock.json ./
RUN npm ci --no-audit --no-fund
COPY web/ ./
# tsc also checks the unit tests (tsconfig.app.json includes all of src/), and the bet slip's
# test imports the payout vectors it shares with the bets service, at that relative path.
COPY services/bets/tests/payout_vectors.json /services/bets/tests/payout_vectors.json
RUN npm run build

########################################################################################
FROM python-runtime AS service

ARG SERVICE
LABEL org.opencontainers.image.title="looseline-${SERVICE}" \
      org.opencontainers.image.description="LOOSELINE ${SERVICE} service"
# Kept in the image for CMD: an exec-form CMD cannot expand a build ARG.
ENV LOOSELINE_SERVICE=${SERVICE}

WORKDIR /app
# Owned by root and read-only for the service user: the process cannot rewrite its own code.
COPY --from=build /app/.venv /app/.venv
# Alembic config + migrations at the same paths as in the repository, so the command is the
# same everywhere (run from /app): alembic -c services/<svc>/alembic.ini upgrade head.
# The gateway owns no database: no Alembic files in its image.
COPY --from=build /alembic/ /app/

USER 10001:10001
EXPOSE 8000

HEALTHCHECK --interval=15s --timeout=3s --start-period=20s --retries=3 \
    CMD ["python", "-c", "import urllib.request; urllib.request.urlopen('http://127.0.0.1:8000/health/live', timeout=2)"]

# A domain service's API process also runs its outbox relay and consumers (<SVC>_RUN_WORKERS=true,
# the default); a dedicated worker runs as `python -m <svc>.entrypoints.worker`. The gateway's one
# process serves the API and the live stream; scale it with replicas (one worker per container:
# the metrics listener binds GATEWAY_METRICS_PORT once). --no-proxy-headers: the gateway resolves
# the client from X-Forwarded-For itself (GATEWAY_TRUSTED_PROXIES); uvicorn's own rewrite would
# believe the header from any loopback peer (a sidecar). `exec` makes uvicorn PID 1, so it gets
# SIGTERM and shuts down gracefully.
CMD ["sh", "-c", "exec uvicorn \"${LOOSELINE_SERVICE}.entrypoints.api.app:create_app\" --factory --host 0.0.0.0 --port 8000 --no-proxy-headers"]

########################################################################################
FROM service AS auth

# Avatars (AUTH_AVATAR_DIR=var/avatars, relative to /app): the only path the service writes.
# Mount a volume here (or plug in another AvatarStorage) so avatars outlive the container.
# Root (uid 0) only to create it for the service user.
USER 0:0
RUN mkdir -p /app/var/avatars && chown 10001:10001 /app/var/avatars
USER 10001:10001
VOLUME ["/app/var/avatars"]

########################################################################################
FROM service AS gateway

# The web app, served at / on the API's origin (docs/gateway.md, "The web app on the same
# origin"). Owned by root like the code: the gateway only reads it.
COPY --from=web /web/dist /app/web/dist
ENV GATEWAY_WEB_DIST_DIR=/app/web/dist

########################################################################################
# The local stand-ins for outside services, for `make up` (docker-compose.yml) only, never a
# deployment: libs/devtools (SMTP sink, OAuth provider, Telegram Bot API) and
# tools/stripe-simulator, in one image whose command picks the stand-in:
#   docker build --target standins -t looseline/standins .
#   docker run looseline/standins python -m stripe_simulator --host 0.0.0.0
# Built like a service's venv (the locked versions, real wheels), from these two workspace
# members and looseline-common only; SERVICE is not read.
FROM uv-workspace AS standins-build

RUN uv sync --frozen --no-dev --package looseline-devtools --package looseline-stripe-simulator \
        --no-editable --no-install-workspace
COPY libs/common/src libs/common/src
COPY libs/devtools/src libs/devtools/src
COPY tools/stripe-simulator/src tools/stripe-simulator/src
RUN uv sync --frozen --no-dev --package looseline-devtools --package looseline-stripe-simulator \
        --no-editable \
 && /app/.venv/bin/python -c "import devtools.mailsink, devtools.oauth_provider, devtools.telegram_api, stripe_simulator"

FROM python-runtime AS standins

LABEL org.opencontainers.image.title="looseline-standins" \
      org.opencontainers.image.description="LOOSELINE local stand-ins (SMTP sink, OAuth, Telegram, Stripe simulator): development only"
WORKDIR /app
COPY --from=standins-build /app/.venv /app/.venv
USER 10001:10001
# Each stand-in binds 127.0.0.1 by default: in a container it must listen on every interface.
CMD ["python", "-m", "devtools.mailsink", "--host", "0.0.0.0"]

########################################################################################
# The default target: events, bets, wallet.
FROM service AS runtime

# auth and gateway built here would lack what their own stage adds (the avatar volume, the web
# app): fail and name the target instead of shipping such an image.
RUN case "${LOOSELINE_SERVICE}" in \
      auth|gateway) \
        echo "SERVICE=${LOOSELINE_SERVICE} builds with --target ${LOOSELINE_SERVICE}" >&2; exit 1;; \
    esac
