"""The packages' jobs (issue 22): expired units lapse once, notices are sent once per purchase
and kind, even with two runs at the same moment (expiries shifted in the database instead of
waiting); and their schedule under the periodic jobs' advisory lock."""

from __future__ import annotations

import asyncio
import uuid
from datetime import timedelta
from typing import Any

from services.wallet.tests.support.ledger import Api, WalletDb, make_wallet

from wallet.service_layer.package_jobs import (
    lapse_expired_units,
    package_periodic_jobs,
    send_notices,
)
from wallet.settings import Settings

PACKAGES = "/api/wallet/packages"
WARN = timedelta(hours=24)


async def purchase(api: Api, db: WalletDb, *, units: int = 5) -> tuple[uuid.UUID, str]:
    """A new user with one package of ``units`` bought: (user, purchase id)."""
    created = await api.admin_post(
        "/api/wallet/admin/packages",
        {"name": "Alerts", "units": units, "price": "3.00", "validity_days": 30},
    )
    assert created.status_code == 201, created.text
    user = await make_wallet(db, balance_minor=300)
    answer = await api.post(
        f"{PACKAGES}/{created.json()['package']['id']}/buy", user, {"method": "balance"}
    )
    assert answer.status_code == 201, answer.text
    return user, str(answer.json()["purchase"]["purchase_id"])


async def expire_in(db: WalletDb, purchase_id: str, interval: str) -> None:
    async with db.engine.begin() as conn:
        await conn.exec_driver_sql(
            "UPDATE wallet.package_purchase SET paid_at = now() - interval '40 days',"
            f" expires_at = now() + interval '{interval}' WHERE id = $1",
            (uuid.UUID(purchase_id),),
        )


async def row(db: WalletDb, purchase_id: str) -> Any:
    async with db.engine.connect() as conn:
        return (
            await conn.exec_driver_sql(
                "SELECT units_left, lapsed_units, lapsed_at FROM wallet.package_purchase"
                " WHERE id = $1",
                (uuid.UUID(purchase_id),),
            )
        ).one()


async def notices_of(db: WalletDb, purchase_id: str) -> list[str]:
    async with db.engine.connect() as conn:
        found = await conn.exec_driver_sql(
            "SELECT kind FROM wallet.package_notice WHERE purchase_id = $1 ORDER BY kind",
            (uuid.UUID(purchase_id),),
        )
        return [r.kind for r in found]


async def test_expired_units_lapse_once_even_with_two_runs_at_once(
    api: Api, wallet_db: WalletDb
) -> None:
    user, expired = await purchase(api, wallet_db)
    _, current = await purchase(api, wallet_db)
    used = await api.post(f"{PACKAGES}/usage", user, {"usage_id": "u1", "units": 2})
    assert used.status_code == 201, used.text
    await expire_in(wallet_db, expired, "-1 minute")

    await asyncio.gather(
        lapse_expired_units(wallet_db.engine), lapse_expired_units(wallet_db.engine)
    )
    await lapse_expired_units(wallet_db.engine)  # and a later run: nothing left to lapse

    lapsed = await row(wallet_db, expired)
    assert (lapsed.units_left, lapsed.lapsed_units) == (0, 3)
    assert lapsed.lapsed_at is not None
    assert (await row(wallet_db, current)).units_left == 5  # not expired: untouched
    messages = await wallet_db.emitted("PackageUnitsLapsed", purchase_id=expired)
    assert len(messages) == 1
    assert (messages[0]["units"], messages[0]["user_id"]) == (3, str(user))
    assert await wallet_db.emitted("PackageUnitsLapsed", purchase_id=current) == []
    refused = await api.post(f"{PACKAGES}/usage", user, {"usage_id": "u2", "units": 1})
    assert refused.json()["error"]["code"] == "package.insufficient_units"


async def test_expiring_soon_and_running_out_are_each_noticed_once(
    api: Api, wallet_db: WalletDb
) -> None:
    user, soon = await purchase(api, wallet_db, units=3)
    other, low = await purchase(api, wallet_db, units=3)
    _, fresh = await purchase(api, wallet_db, units=3)
    await expire_in(wallet_db, soon, "3 hours")  # within the 24 h warning
    used = await api.post(f"{PACKAGES}/usage", other, {"usage_id": "x", "units": 2})
    assert used.status_code == 201, used.text  # 1 unit left: running out

    runs = [send_notices(wallet_db.engine, warn_before=WARN, low_units=1) for _ in range(3)]
    await asyncio.gather(*runs)
    await send_notices(wallet_db.engine, warn_before=WARN, low_units=1)

    assert await notices_of(wallet_db, soon) == ["expiring_soon"]
    assert await notices_of(wallet_db, low) == ["running_out"]
    assert await notices_of(wallet_db, fresh) == []
    expiring = await wallet_db.emitted("PackageNotice", purchase_id=soon)
    running_out = await wallet_db.emitted("PackageNotice", purchase_id=low)
    assert [(m["kind"], m["units_left"], m["user_id"]) for m in expiring] == [
        ("expiring_soon", 3, str(user))
    ]
    assert [(m["kind"], m["units_left"]) for m in running_out] == [("running_out", 1)]
    assert await wallet_db.emitted("PackageNotice", purchase_id=fresh) == []


async def test_an_expired_purchase_gets_no_notice(api: Api, wallet_db: WalletDb) -> None:
    _, gone = await purchase(api, wallet_db)
    await expire_in(wallet_db, gone, "-1 second")

    await send_notices(wallet_db.engine, warn_before=WARN, low_units=1)

    assert await notices_of(wallet_db, gone) == []


def test_the_jobs_run_every_configured_interval_under_their_own_names(make_settings: Any) -> None:
    settings = make_settings(Settings, package_job_interval_s=7.5)

    specs = package_periodic_jobs(settings)

    assert [(s.name, s.interval_s) for s in specs] == [
        ("package-lapse", 7.5),
        ("package-notices", 7.5),
        ("package-card-orders", 7.5),
    ]
