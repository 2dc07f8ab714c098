"""Composition root of the wallet service."""

from __future__ import annotations

from datetime import timedelta

from sqlalchemy.ext.asyncio import AsyncEngine

from common.idempotency import IdempotencyStore
from common.runtime import PeriodicSpec, ServiceRuntime, build_runtime
from wallet.adapters.tables import SCHEMA
from wallet.entrypoints.worker import subscriptions
from wallet.service_layer.closure import closure_periodic_jobs
from wallet.service_layer.report_jobs import report_periodic_jobs
from wallet.service_layer.stripe_jobs import stripe_periodic_jobs
from wallet.settings import Settings


def idempotency_store(settings: Settings) -> IdempotencyStore:
    return IdempotencyStore(SCHEMA, ttl=timedelta(hours=settings.idempotency_ttl_h))


def build(settings: Settings) -> ServiceRuntime:
    store = idempotency_store(settings)

    async def purge_idempotency_keys(engine: AsyncEngine) -> None:
        await store.purge_expired(engine)

    return build_runtime(
        settings,
        subscriptions=subscriptions(settings.currency, max_payout_minor=settings.max_payout_minor),
        periodic=[
            PeriodicSpec("idempotency-purge", 600, purge_idempotency_keys),
            *stripe_periodic_jobs(settings),
            *report_periodic_jobs(settings),
            *closure_periodic_jobs(settings.closure_sweep_interval_s),
        ],
    )
