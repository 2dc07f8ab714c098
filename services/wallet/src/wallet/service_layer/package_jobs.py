"""The packages' periodic jobs (issue 22): lapses, notices and failed card orders.

Each runs on one replica at a time (``PeriodicSpec`` jobs hold ADR 0004's PostgreSQL advisory
lock), and each is also safe when two run at once (a replica that lost its lock without knowing,
a test): every effect is keyed in the database.

- ``lapse``: units left on purchases past ``expires_at`` are written off (``units_left = 0``,
  ``lapsed_units``, ``lapsed_at``), each purchase only if its units left are still those read,
  rows another run holds skipped; ``PackageUnitsLapsed`` for the rows this run changed.
- ``notices``: the domain's ``notices`` over the candidates, each inserted into
  ``package_notice`` ON CONFLICT DO NOTHING; ``PackageNotice`` only for the rows inserted, so once
  per purchase and kind.
- ``card orders``: a pending card order whose deposit ended unpaid (declined, expired, canceled)
  becomes ``failed`` (the deposit flow has no hook for its failures).

Each batch is one transaction: the rows changed and their messages (outbox) commit together.
"""

from __future__ import annotations

from datetime import timedelta

from sqlalchemy.ext.asyncio import AsyncEngine

from common.contracts.wallet import PackageNotice, PackageUnitsLapsed
from common.db import create_sessionmaker
from common.logging import get_logger
from common.runtime import PeriodicSpec
from wallet.domain.packages import notices
from wallet.service_layer.packages import audit_order_failed
from wallet.service_layer.unit_of_work import WalletUnitOfWork
from wallet.settings import Settings

log = get_logger(__name__)


def package_periodic_jobs(settings: Settings) -> list[PeriodicSpec]:
    async def lapse(engine: AsyncEngine) -> None:
        await lapse_expired_units(engine, batch=settings.package_job_batch)

    async def notify(engine: AsyncEngine) -> None:
        await send_notices(
            engine,
            warn_before=timedelta(hours=settings.package_expiry_notice_h),
            low_units=settings.package_low_units,
            batch=settings.package_job_batch,
        )

    async def card_orders(engine: AsyncEngine) -> None:
        await fail_unpaid_card_orders(engine, batch=settings.package_job_batch)

    interval = settings.package_job_interval_s
    return [
        PeriodicSpec("package-lapse", interval, lapse),
        PeriodicSpec("package-notices", interval, notify),
        PeriodicSpec("package-card-orders", interval, card_orders),
    ]


async def lapse_expired_units(engine: AsyncEngine, *, batch: int = 500) -> int:
    """Write off expired units, a batch per transaction until none is due; how many purchases."""
    sessions = create_sessionmaker(engine)
    done = 0
    while True:
        async with WalletUnitOfWork(sessions) as uow:
            lapsed = await uow.packages.lapse_due(batch=batch)
            for item in lapsed:
                await uow.emit(
                    PackageUnitsLapsed(
                        purchase_id=item.purchase_id,
                        user_id=item.user_id,
                        package_id=item.package_id,
                        units=item.units,
                        expired_at=item.expired_at,
                    )
                )
            await uow.commit()
        done += len(lapsed)
        if len(lapsed) < batch:
            break
    if done:
        log.info("packages.lapsed", purchases=done)
    return done


async def send_notices(
    engine: AsyncEngine, *, warn_before: timedelta, low_units: int, batch: int = 500
) -> int:
    """Send the notices due now, each once per purchase and kind; how many were sent."""
    sessions = create_sessionmaker(engine)
    async with WalletUnitOfWork(sessions) as uow:
        now = await uow.packages.now()
        found = await uow.packages.notice_candidates(now, warn_before, low_units, batch=batch)
        by_id = {p.id: p for p in found}
        sent = 0
        for notice in notices([p.rules() for p in found], now, warn_before, low_units):
            if not await uow.packages.add_notice(notice.purchase_id, notice.kind, notice.user_id):
                continue  # sent before, or by a replica at the same moment
            purchase = by_id[notice.purchase_id]
            await uow.emit(
                PackageNotice(
                    purchase_id=purchase.id,
                    user_id=purchase.user_id,
                    package_id=purchase.package_id,
                    kind=notice.kind.value,
                    units_left=purchase.units_left,
                    expires_at=purchase.expires_at,
                )
            )
            sent += 1
        await uow.commit()
    return sent


async def fail_unpaid_card_orders(engine: AsyncEngine, *, batch: int = 500) -> int:
    """Fail the pending card orders whose deposit ended unpaid; how many."""
    sessions = create_sessionmaker(engine)
    async with WalletUnitOfWork(sessions) as uow:
        failed = await uow.packages.fail_unpaid_card_orders(batch=batch)
        for order in failed:
            await audit_order_failed(
                uow, order.order_id, order.user_id, order.amount_minor, order.reason
            )
        await uow.commit()
    return len(failed)
