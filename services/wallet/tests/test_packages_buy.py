"""Packages bought from the balance (issue 22, seed 004): the ledger to the cent, the history
row, the purchase with its expiry, refusals that write nothing, one purchase per
Idempotency-Key, parallel buys never on credit, and the admin's catalogue, log and totals.
Every test ends with the wallet's ledger reconciliation (conftest: Σ accounts = 0)."""

from __future__ import annotations

import asyncio
import uuid
from datetime import timedelta
from typing import Any

from services.wallet.tests.support.ledger import Api, WalletDb, make_wallet

PACKAGES = "/api/wallet/packages"
ADMIN = "/api/wallet/admin/packages"


async def new_package(api: Api, **overrides: Any) -> dict[str, Any]:
    body: dict[str, Any] = {
        "name": f"Premium tips {uuid.uuid4().hex[:6]}",
        "description": "Ten expert tips",
        "units": 10,
        "price": "12.50",
        "validity_days": 30,
    }
    body.update(overrides)
    created = await api.admin_post(ADMIN, body)
    assert created.status_code == 201, created.text
    package: dict[str, Any] = created.json()["package"]
    return package


async def buy(api: Api, user: uuid.UUID, package_id: str, key: str | None = None) -> Any:
    return await api.post(f"{PACKAGES}/{package_id}/buy", user, {"method": "balance"}, key=key)


async def revenue_entries(db: WalletDb, user: uuid.UUID) -> int:
    """What the user's package purchases put on the package_revenue accounts (minor units)."""
    return await db.count(
        """SELECT coalesce(sum(e.amount_minor), 0) FROM wallet.entry e
           JOIN wallet.transfer t ON t.id = e.transfer_id
           JOIN wallet.account a ON a.id = e.account_id
           WHERE t.user_id = :u AND t.kind = 'package_purchase' AND a.kind = 'package_revenue'""",
        u=user,
    )


async def rows(db: WalletDb, table: str, user: uuid.UUID) -> int:
    return await db.count(f"SELECT count(*) FROM wallet.{table} WHERE user_id = :u", u=user)


async def test_buying_with_the_balance_moves_the_price_to_package_revenue_and_credits_units(
    api: Api, wallet_db: WalletDb
) -> None:
    package = await new_package(api)
    user = await make_wallet(wallet_db, balance_minor=5_000)

    bought = await buy(api, user, package["id"])

    assert bought.status_code == 201, bought.text
    body = bought.json()
    assert body["new_balance"] == "37.50"
    assert body["order"]["status"] == "paid"
    assert body["order"]["amount"] == "12.50"
    purchase = body["purchase"]
    assert (purchase["units_total"], purchase["units_left"], purchase["state"]) == (
        10,
        10,
        "active",
    )
    # The ledger to the cent: available -12.50, package revenue +12.50, all accounts still 0.
    assert await wallet_db.balances(user) == (3_750, 0)
    assert await revenue_entries(wallet_db, user) == 1_250
    assert await wallet_db.count("SELECT coalesce(sum(balance_minor), 0) FROM wallet.account") == 0
    # The user's history: one package_purchase row of -12.50 from 50.00 to 37.50.
    history = [h for h in await wallet_db.history(user) if h["type"] == "package_purchase"]
    assert len(history) == 1
    line = history[0]
    assert (line["amount_minor"], line["status"]) == (-1_250, "completed")
    assert (line["balance_before_minor"], line["balance_after_minor"]) == (5_000, 3_750)
    assert line["reference"] == body["order"]["order_id"]
    # The purchase: its units, expiring validity days after it was paid.
    async with wallet_db.engine.connect() as conn:
        row = (
            await conn.exec_driver_sql(
                "SELECT units_total, units_left, paid_at, expires_at, payment_reference,"
                " transfer_id FROM wallet.package_purchase WHERE user_id = $1",
                (user,),
            )
        ).one()
    assert (row.units_total, row.units_left) == (10, 10)
    assert row.expires_at - row.paid_at == timedelta(days=30)
    assert row.payment_reference == f"balance:{body['order']['order_id']}"
    assert row.transfer_id is not None
    sent = await wallet_db.emitted("PackagePurchased", user_id=user)
    assert len(sent) == 1
    assert (sent[0]["units"], sent[0]["amount_minor"]) == (10, 1_250)
    assert (
        await wallet_db.count(
            "SELECT count(*) FROM wallet.audit_log"
            " WHERE user_id = :u AND action = 'package_purchased'",
            u=user,
        )
        == 1
    )


async def test_a_balance_short_of_the_price_refuses_the_purchase_and_writes_nothing(
    api: Api, wallet_db: WalletDb
) -> None:
    package = await new_package(api, price="12.50")
    user = await make_wallet(wallet_db, balance_minor=1_249)

    refused = await buy(api, user, package["id"])

    assert refused.status_code == 422, refused.text
    error = refused.json()["error"]
    assert error["code"] == "package.insufficient_funds"
    assert error["details"] == {"price_minor": 1_250, "available_minor": 1_249}
    assert await wallet_db.balances(user) == (1_249, 0)
    assert await revenue_entries(wallet_db, user) == 0
    # Documented choice: a refused balance purchase leaves no order row (nothing was taken).
    assert await rows(wallet_db, "package_order", user) == 0
    assert await rows(wallet_db, "package_purchase", user) == 0
    assert [h["type"] for h in await wallet_db.history(user)] == ["deposit"]


async def test_an_inactive_package_is_refused_and_an_unknown_one_is_a_404(
    api: Api, wallet_db: WalletDb
) -> None:
    package = await new_package(api)
    user = await make_wallet(wallet_db, balance_minor=5_000)
    off = await api.admin_post(f"{ADMIN}/{package['id']}/active", {"active": False})
    assert off.status_code == 200, off.text
    assert off.json()["package"]["active"] is False

    inactive = await buy(api, user, package["id"])
    missing = await buy(api, user, str(uuid.uuid4()))

    assert inactive.status_code == 409, inactive.text
    assert inactive.json()["error"]["code"] == "package.inactive"
    assert missing.status_code == 404, missing.text
    assert missing.json()["error"]["code"] == "package.not_found"
    assert await wallet_db.balances(user) == (5_000, 0)
    assert await rows(wallet_db, "package_order", user) == 0
    on_sale = await api.get(PACKAGES, user)
    assert package["id"] not in [p["id"] for p in on_sale.json()["packages"]]


async def test_a_retry_with_the_same_idempotency_key_buys_once(
    api: Api, wallet_db: WalletDb
) -> None:
    package = await new_package(api)
    user = await make_wallet(wallet_db, balance_minor=5_000)
    key = str(uuid.uuid4())

    first = await buy(api, user, package["id"], key=key)
    retry = await buy(api, user, package["id"], key=key)

    assert first.status_code == retry.status_code == 201
    assert retry.headers.get("Idempotent-Replayed") == "true"
    assert retry.json() == first.json()
    assert await wallet_db.balances(user) == (3_750, 0)
    assert await rows(wallet_db, "package_purchase", user) == 1
    assert await revenue_entries(wallet_db, user) == 1_250


async def test_parallel_buys_with_money_for_one_buy_exactly_once(
    api: Api, wallet_db: WalletDb
) -> None:
    package = await new_package(api, price="30.00")
    user = await make_wallet(wallet_db, balance_minor=5_000)  # one 30.00 package, not two

    answers = await asyncio.gather(*(buy(api, user, package["id"]) for _ in range(8)))

    codes = sorted(a.status_code for a in answers)
    assert codes == [201] + [422] * 7, [a.text for a in answers]
    refused = [a.json()["error"]["code"] for a in answers if a.status_code == 422]
    assert set(refused) == {"package.insufficient_funds"}
    assert await wallet_db.balances(user) == (2_000, 0)
    assert await rows(wallet_db, "package_purchase", user) == 1
    assert await rows(wallet_db, "package_order", user) == 1
    assert await revenue_entries(wallet_db, user) == 3_000


async def test_the_catalogue_lists_packages_on_sale_with_their_terms(
    api: Api, wallet_db: WalletDb
) -> None:
    units = await new_package(api, price="9.99", units=5, validity_days=7)
    free_bets = await new_package(api, kind="free_bet", price="20.00", units=4, stake="5.00")
    user = await make_wallet(wallet_db)

    listed = await api.get(PACKAGES, user)

    assert listed.status_code == 200, listed.text
    found = {p["id"]: p for p in listed.json()["packages"]}
    assert found[units["id"]] == {
        "id": units["id"],
        "name": units["name"],
        "description": "Ten expert tips",
        "kind": "units",
        "units": 5,
        "price": "9.99",
        "currency": "USD",
        "validity_days": 7,
        "stake": None,
    }
    assert (found[free_bets["id"]]["kind"], found[free_bets["id"]]["stake"]) == (
        "free_bet",
        "5.00",
    )


async def test_the_admin_cannot_create_a_package_with_inconsistent_terms(api: Api) -> None:
    bad = [
        {"kind": "free_bet"},  # a free-bet package needs its stake
        {"stake": "5.00"},  # and only it has one
        {"units": 0},
        {"price": "0.00"},
        {"validity_days": 0},
        {"units": "ten"},
    ]
    for overrides in bad:
        body = {"name": "Tips", "units": 10, "price": "12.50", "validity_days": 30, **overrides}
        refused = await api.admin_post(ADMIN, body)
        assert refused.status_code == 422, (overrides, refused.text)
        assert "error" in refused.json()
    user_try = await api.post(
        ADMIN, uuid.uuid4(), {"name": "Tips", "units": 1, "price": "1.00", "validity_days": 1}
    )
    assert user_try.status_code == 403, user_try.text


async def test_the_admin_sees_orders_purchases_and_totals_to_the_cent(
    api: Api, wallet_db: WalletDb
) -> None:
    before = (await api.get(f"{ADMIN}/totals", uuid.uuid4(), role="admin")).json()
    package = await new_package(api, price="12.34", units=3)
    user = await make_wallet(wallet_db, balance_minor=10_000)
    for _ in range(2):
        assert (await buy(api, user, package["id"])).status_code == 201
    used = await api.post(f"{PACKAGES}/usage", user, {"usage_id": "tip-1", "units": 2})
    assert used.status_code == 201, used.text

    orders = await admin_get(api, f"{ADMIN}/orders", user_id=str(user))
    purchases = await admin_get(api, f"{ADMIN}/purchases", user_id=str(user))
    paid = await admin_get(api, f"{ADMIN}/orders", status="paid")
    after = (await api.get(f"{ADMIN}/totals", uuid.uuid4(), role="admin")).json()
    mine = await api.get(f"{PACKAGES}/orders", user)

    assert [o["status"] for o in orders.json()["orders"]] == ["paid", "paid"]
    assert {o["user_id"] for o in orders.json()["orders"]} == {str(user)}
    assert orders.json()["pagination"]["total_items"] == 2
    assert user_in(paid.json()["orders"], user)
    assert [p["units_left"] for p in purchases.json()["purchases"]] == [1, 3]
    assert mine.json()["orders"] == [
        {k: v for k, v in o.items() if k != "user_id"} for o in orders.json()["orders"]
    ]

    def cents(money: str) -> int:
        return round(float(money) * 100)

    for window in ("last_24h", "last_30d"):
        grown = cents(after["revenue"][window]) - cents(before["revenue"][window])
        assert grown == 2 * 1_234, window
    assert after["units"]["sold"] - before["units"]["sold"] == 6
    assert after["units"]["used"] - before["units"]["used"] == 2
    assert after["units"]["left"] - before["units"]["left"] == 4
    assert after["orders"]["paid"] - before["orders"]["paid"] == 2


async def admin_get(api: Api, path: str, **params: Any) -> Any:
    headers = api.headers(uuid.uuid4(), role="admin")
    return await api.http.get(path, headers=headers, params=params)


def user_in(orders: list[dict[str, Any]], user: uuid.UUID) -> bool:
    return str(user) in {o["user_id"] for o in orders}
