"""Using package units (issue 22, seed 004's usage API): earliest expiry first across purchases,
all or nothing, once per usage id, never below zero under parallel usages, expired units never
used; and the user's balances per package and expiry."""

from __future__ import annotations

import asyncio
import uuid
from typing import Any

from services.wallet.tests.support.ledger import Api, WalletDb, make_wallet

PACKAGES = "/api/wallet/packages"
USAGE = "/api/wallet/packages/usage"
ADMIN = "/api/wallet/admin/packages"


async def new_package(api: Api, **overrides: Any) -> str:
    body: dict[str, Any] = {"name": "Tips", "units": 5, "price": "5.00", "validity_days": 30}
    body.update(overrides)
    created = await api.admin_post(ADMIN, body)
    assert created.status_code == 201, created.text
    return str(created.json()["package"]["id"])


async def bought(api: Api, user: uuid.UUID, package_id: str) -> str:
    answer = await api.post(f"{PACKAGES}/{package_id}/buy", user, {"method": "balance"})
    assert answer.status_code == 201, answer.text
    return str(answer.json()["purchase"]["purchase_id"])


async def use(api: Api, user: uuid.UUID, units: int, usage_id: str | None = None) -> Any:
    body = {"usage_id": usage_id or str(uuid.uuid4()), "units": units, "kind": "units"}
    return await api.post(USAGE, user, body)


async def units_left(db: WalletDb, purchase_id: str) -> int:
    return await db.count(
        "SELECT units_left FROM wallet.package_purchase WHERE id = :p", p=uuid.UUID(purchase_id)
    )


async def expire_in(db: WalletDb, purchase_id: str, interval: str) -> None:
    """Shift a purchase's expiry (instead of waiting for it): now() + ``interval``."""
    async with db.engine.begin() as conn:
        await conn.exec_driver_sql(
            "UPDATE wallet.package_purchase SET paid_at = now() - interval '40 days',"
            f" expires_at = now() + interval '{interval}' WHERE id = $1",
            (uuid.UUID(purchase_id),),
        )


async def test_usage_takes_the_earliest_expiry_first_across_purchases(
    api: Api, wallet_db: WalletDb
) -> None:
    package = await new_package(api)
    user = await make_wallet(wallet_db, balance_minor=1_000)
    later = await bought(api, user, package)
    sooner = await bought(api, user, package)
    await expire_in(wallet_db, sooner, "2 days")  # bought second, expires first

    used = await use(api, user, 7, "match-42")

    assert used.status_code == 201, used.text
    usage = used.json()["usage"]
    assert [(d["purchase_id"], d["units"], d["units_left"]) for d in usage["deductions"]] == [
        (sooner, 5, 0),
        (later, 2, 3),
    ]
    assert (await units_left(wallet_db, sooner), await units_left(wallet_db, later)) == (0, 3)
    assert await wallet_db.balances(user) == (0, 0)  # units are not money: nothing else moved


async def test_usage_is_all_or_nothing(api: Api, wallet_db: WalletDb) -> None:
    package = await new_package(api)
    user = await make_wallet(wallet_db, balance_minor=1_000)
    first = await bought(api, user, package)
    second = await bought(api, user, package)

    refused = await use(api, user, 11)

    assert refused.status_code == 422, refused.text
    assert refused.json()["error"]["code"] == "package.insufficient_units"
    assert (await units_left(wallet_db, first), await units_left(wallet_db, second)) == (5, 5)
    assert (
        await wallet_db.count(
            "SELECT count(*) FROM wallet.package_usage WHERE user_id = :u", u=user
        )
        == 0
    )
    exact = await use(api, user, 10)
    assert exact.status_code == 201, exact.text
    assert (await units_left(wallet_db, first), await units_left(wallet_db, second)) == (0, 0)


async def test_a_usage_id_is_used_once_and_other_units_under_it_are_refused(
    api: Api, wallet_db: WalletDb
) -> None:
    package = await new_package(api)
    user = await make_wallet(wallet_db, balance_minor=500)
    purchase = await bought(api, user, package)

    first = await use(api, user, 2, "alert-7")
    again = await use(api, user, 2, "alert-7")
    other = await use(api, user, 3, "alert-7")

    assert first.status_code == 201, first.text
    assert again.status_code == 200, again.text
    assert again.json()["replayed"] is True
    assert again.json()["usage"]["deductions"][0]["units"] == 2
    assert again.json()["usage"]["deductions"][0]["purchase_id"] == purchase
    assert other.status_code == 422, other.text
    assert other.json()["error"]["code"] == "package.usage_mismatch"
    assert await units_left(wallet_db, purchase) == 3
    # Another user's usage id of the same name is theirs, not this one.
    stranger = await make_wallet(wallet_db, balance_minor=500)
    await bought(api, stranger, package)
    assert (await use(api, stranger, 1, "alert-7")).status_code == 201


async def test_parallel_usages_never_take_a_unit_twice_nor_go_below_zero(
    api: Api, wallet_db: WalletDb
) -> None:
    package = await new_package(api)
    user = await make_wallet(wallet_db, balance_minor=1_000)
    purchases = [await bought(api, user, package) for _ in range(2)]  # 10 units
    await expire_in(wallet_db, purchases[0], "3 days")

    answers = await asyncio.gather(*(use(api, user, 1) for _ in range(24)))

    codes = sorted(a.status_code for a in answers)
    assert codes == [201] * 10 + [422] * 14, [a.text for a in answers if a.status_code >= 500]
    refused = {a.json()["error"]["code"] for a in answers if a.status_code == 422}
    assert refused == {"package.insufficient_units"}
    assert [await units_left(wallet_db, p) for p in purchases] == [0, 0]
    deducted = await wallet_db.count(
        """SELECT coalesce(sum(i.units), 0) FROM wallet.package_usage_item i
           JOIN wallet.package_usage u ON u.id = i.usage_row_id WHERE u.user_id = :u""",
        u=user,
    )
    assert deducted == 10  # every unit bought, each taken once


async def test_parallel_retries_of_one_usage_id_take_its_units_once(
    api: Api, wallet_db: WalletDb
) -> None:
    package = await new_package(api)
    user = await make_wallet(wallet_db, balance_minor=500)
    purchase = await bought(api, user, package)

    answers = await asyncio.gather(*(use(api, user, 2, "same-usage") for _ in range(10)))

    assert sorted(a.status_code for a in answers) == [200] * 9 + [201]
    assert await units_left(wallet_db, purchase) == 3
    assert len({str(a.json()["usage"]["deductions"]) for a in answers}) == 1


async def test_expired_units_are_never_used(api: Api, wallet_db: WalletDb) -> None:
    package = await new_package(api)
    user = await make_wallet(wallet_db, balance_minor=500)
    purchase = await bought(api, user, package)
    await expire_in(wallet_db, purchase, "-1 second")

    refused = await use(api, user, 1)

    assert refused.status_code == 422, refused.text
    assert refused.json()["error"]["code"] == "package.insufficient_units"
    assert await units_left(wallet_db, purchase) == 5
    mine = (await api.get(f"{PACKAGES}/mine", user)).json()
    assert mine["purchases"] == []
    assert mine["totals"] == {"units": 0, "free_bet": 0}


async def test_free_bet_units_are_not_used_through_this_api(api: Api, wallet_db: WalletDb) -> None:
    package = await new_package(api, kind="free_bet", stake="2.00")
    user = await make_wallet(wallet_db, balance_minor=500)
    purchase = await bought(api, user, package)

    refused = await api.post(USAGE, user, {"usage_id": "fb-1", "units": 1, "kind": "free_bet"})

    assert refused.status_code == 422, refused.text
    assert refused.json()["error"]["code"] == "package.kind_not_usable"
    assert await units_left(wallet_db, purchase) == 5


async def test_bad_usage_input_is_a_422(api: Api, wallet_db: WalletDb) -> None:
    user = await make_wallet(wallet_db)
    for body in (
        {"usage_id": "", "units": 1},
        {"usage_id": "x" * 101, "units": 1},
        {"usage_id": "a", "units": 0},
        {"usage_id": "a", "units": 1.5},
        {"usage_id": "a", "units": "2"},
        {"usage_id": "a", "units": 1, "kind": "minutes"},
    ):
        refused = await api.post(USAGE, user, body)
        assert refused.status_code == 422, (body, refused.text)
        assert "error" in refused.json()


async def test_the_user_sees_units_per_purchase_per_package_and_per_kind(
    api: Api, wallet_db: WalletDb
) -> None:
    tips = await new_package(api, name="Tips")
    bets = await new_package(api, name="Free bets", kind="free_bet", stake="1.00", units=3)
    user = await make_wallet(wallet_db, balance_minor=2_000)
    later = await bought(api, user, tips)
    sooner = await bought(api, user, tips)
    await expire_in(wallet_db, sooner, "5 days")
    await bought(api, user, bets)
    assert (await use(api, user, 1)).status_code == 201

    mine = await api.get(f"{PACKAGES}/mine", user)

    assert mine.status_code == 200, mine.text
    body = mine.json()
    assert [p["purchase_id"] for p in body["purchases"][:2]] == [sooner, later]
    assert [p["units_left"] for p in body["purchases"]] == [4, 5, 3]
    assert all(p["expires_at"].endswith("+00:00") for p in body["purchases"])
    per_package = {p["package_name"]: p for p in body["packages"]}
    assert per_package["Tips"]["units_left"] == 9
    assert per_package["Tips"]["next_expiry"] == body["purchases"][0]["expires_at"]
    assert per_package["Free bets"]["units_left"] == 3
    assert body["totals"] == {"units": 9, "free_bet": 3}
