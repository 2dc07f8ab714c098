"""Composition root of the wallet service: ``build`` is the runtime (database, broker, relay,
consumers, periodic jobs: all a worker process needs); ``wire`` is the whole API process, the
runtime and what its routes receive (as in events' ``wire``)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import timedelta

from sqlalchemy.ext.asyncio import AsyncEngine

from common.idempotency import IdempotencyStore
from common.runtime import PeriodicSpec, ServiceRuntime, build_runtime
from wallet.adapters.crypto import FieldCipher
from wallet.adapters.tables import SCHEMA
from wallet.entrypoints.api.deps import WalletServices
from wallet.entrypoints.worker import subscriptions
from wallet.service_layer.closure import closure_periodic_jobs
from wallet.service_layer.ledger_drift import ledger_drift_periodic_jobs
from wallet.service_layer.package_jobs import package_periodic_jobs
from wallet.service_layer.report_jobs import report_periodic_jobs
from wallet.service_layer.stripe_jobs import stripe_periodic_jobs
from wallet.service_layer.subscription_jobs import subscription_periodic_jobs
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
            *subscription_periodic_jobs(settings),
            *package_periodic_jobs(settings),
            *ledger_drift_periodic_jobs(),
        ],
    )


@dataclass(frozen=True)
class Wiring:
    runtime: ServiceRuntime
    services: WalletServices


def wire(settings: Settings) -> Wiring:
    runtime = build(settings)
    services = WalletServices(
        settings=settings,
        cipher=FieldCipher(settings.data_encryption_key),
        idempotency=idempotency_store(settings),
    )
    if runtime.engine is not None and runtime.sessionmaker is not None:
        services.bind(runtime.engine, runtime.sessionmaker)
    return Wiring(runtime, services)
