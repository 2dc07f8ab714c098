"""Admin read-only views (issue 25, items 5 and 6) over HTTP: the withdrawal methods awaiting
verification, and one user's wallet — balances, flags, history, holds, withdrawals, card
deposits, disputes, the audit trail — each paginated; users get 403, unknown users 404."""

from __future__ import annotations

import uuid
from typing import Any

import pytest
from services.wallet.tests.support.ledger import (
    WITHDRAW,
    Api,
    WalletDb,
    add_method,
    handle,
    make_reserve,
    make_wallet,
)
from sqlalchemy import text

from wallet.service_layer import saga

ADMIN = "/api/wallet/admin"
SECTIONS = ("history", "holds", "withdrawals", "deposits", "disputes", "audit")


async def admin_get(api: Api, path: str, **params: Any) -> dict[str, Any]:
    answer = await api.get(f"{ADMIN}{path}", uuid.uuid4(), role="admin", **params)
    assert answer.status_code == 200, answer.text
    found: dict[str, Any] = answer.json()
    return found


async def all_methods(api: Api, status: str) -> list[dict[str, Any]]:
    seen: list[dict[str, Any]] = []
    while True:
        page = await admin_get(
            api, "/withdrawal-methods", status=status, limit=100, offset=len(seen)
        )
        seen += page["methods"]
        if len(seen) >= page["pagination"]["total_items"] or not page["methods"]:
            return seen


async def test_methods_awaiting_verification_are_listed_oldest_first_and_masked(
    api: Api, wallet_db: WalletDb
) -> None:
    ann, bob = await make_wallet(wallet_db), await make_wallet(wallet_db)
    first = await add_method(api, ann, verify=False)
    second = await add_method(api, bob, verify=False)
    verified = await add_method(api, bob)
    listed = await all_methods(api, "unverified")
    mine = [(m["method_id"], m["user_id"]) for m in listed if m["user_id"] in (str(ann), str(bob))]
    assert mine == [(first, str(ann)), (second, str(bob))]
    shown = next(m for m in listed if m["method_id"] == first)
    assert shown["iban"] == "DE89 **** **** 3000"
    assert "DE89370400440532013000" not in str(listed)
    assert shown["created_at"]
    assert verified in [m["method_id"] for m in await all_methods(api, "verified")]
    # Verified, it leaves the queue.
    done = await api.admin_post(f"{ADMIN}/withdrawal-methods/{first}/verify")
    assert done.status_code == 200
    assert first not in [m["method_id"] for m in await all_methods(api, "unverified")]
    page = await admin_get(api, "/withdrawal-methods", limit=1, offset=0)
    assert len(page["methods"]) == 1
    assert page["pagination"]["limit"] == 1


async def test_one_users_wallet_as_the_admin_sees_it(api: Api, wallet_db: WalletDb) -> None:
    user = await make_wallet(wallet_db, balance_minor=100_000)
    method = await add_method(api, user)
    made = await api.post(WITHDRAW, user, {"amount": "200.00", "withdrawal_method_id": method})
    assert made.status_code == 201, made.text
    await handle(wallet_db, saga.on_reserve_stake, make_reserve(user, 5_000))
    await handle(wallet_db, saga.on_reserve_stake, make_reserve(user, 2_500))

    own = (await api.get("/api/wallet/balance", user)).json()["balance"]
    seen = await admin_get(api, f"/users/{user}/wallet")
    assert seen["balance"] == own  # the balances as the user sees them
    assert (seen["balance"]["available_balance"], seen["debt"]) == ("725.00", "0.00")
    assert seen["flags"]["blocked"] is False
    assert (seen["flags"]["open_disputes"], seen["flags"]["in_debt"]) == (0, False)

    holds = await admin_get(api, f"/users/{user}/wallet/holds", limit=1)
    assert holds["pagination"] == {"limit": 1, "offset": 0, "total_items": 2}
    assert holds["holds"][0]["amount"] == "25.00"  # newest first
    second = await admin_get(api, f"/users/{user}/wallet/holds", limit=1, offset=1)
    assert second["holds"][0]["amount"] == "50.00"

    withdrawals = await admin_get(api, f"/users/{user}/wallet/withdrawals")
    assert [w["amount"] for w in withdrawals["withdrawals"]] == ["200.00"]
    assert withdrawals["pagination"]["total_items"] == 1

    history = await admin_get(api, f"/users/{user}/wallet/history", type="withdrawal")
    assert [t["amount"] for t in history["transactions"]] == ["-200.00"]

    audit = await admin_get(api, f"/users/{user}/wallet/audit", action="withdrawal_initiated")
    assert audit["pagination"]["total_items"] == 1
    row = audit["audit"][0]
    assert (row["ip_address"], row["user_agent"]) == ("203.0.113.7", "wallet-tests/1.0")
    assert row["amount"] == "200.00"
    everything = await admin_get(api, f"/users/{user}/wallet/audit")
    assert everything["pagination"]["total_items"] >= 3  # method added, verified, withdrawal

    assert (await admin_get(api, f"/users/{user}/wallet/deposits"))["deposits"] == []
    assert (await admin_get(api, f"/users/{user}/wallet/disputes"))["disputes"] == []


async def test_card_deposits_and_disputes_of_a_user_are_listed(
    api: Api, wallet_db: WalletDb
) -> None:
    user = await make_wallet(wallet_db)
    operation = uuid.uuid4()
    async with wallet_db.engine.begin() as conn:
        await conn.execute(
            text(
                "INSERT INTO wallet.card_deposit (operation_id, user_id, kind, intent_id, "
                "amount_minor, currency, status, decline_code, failure_message, expires_at) "
                "VALUES (:o, :u, 'new_card', :i, 4000, 'USD', 'failed', 'insufficient_funds', "
                "'Your card has insufficient funds.', now() + interval '1 day')"
            ),
            {"o": operation, "u": user, "i": f"pi_{operation.hex}"},
        )
        await conn.execute(
            text(
                "INSERT INTO wallet.card_dispute (dispute_id, user_id, operation_id, amount_minor,"
                " currency, status, reason) VALUES (:d, :u, :o, 4000, 'USD', 'open', 'fraudulent')"
            ),
            {"d": f"dp_{operation.hex}", "u": user, "o": operation},
        )
    deposits = await admin_get(api, f"/users/{user}/wallet/deposits")
    assert [(d["amount"], d["status"], d["decline_code"]) for d in deposits["deposits"]] == [
        ("40.00", "failed", "insufficient_funds")
    ]
    assert deposits["deposits"][0]["failure_message"] == "Your card has insufficient funds."
    disputes = await admin_get(api, f"/users/{user}/wallet/disputes")
    assert [(d["amount"], d["status"]) for d in disputes["disputes"]] == [("40.00", "open")]
    seen = await admin_get(api, f"/users/{user}/wallet")
    assert (seen["flags"]["open_disputes"], seen["flags"]["account_flagged"]) == (1, True)


@pytest.mark.parametrize("section", ["", *(f"/{s}" for s in SECTIONS)])
async def test_an_unknown_user_is_a_404_and_a_user_is_a_403(
    api: Api, wallet_db: WalletDb, section: str
) -> None:
    path = f"{ADMIN}/users/{uuid.uuid4()}/wallet{section}"
    unknown = await api.get(path, uuid.uuid4(), role="admin")
    assert unknown.status_code == 404, unknown.text
    assert unknown.json()["error"]["code"] == "wallet.not_found"
    user = await make_wallet(wallet_db)
    refused = await api.get(f"{ADMIN}/users/{user}/wallet{section}", user)
    assert refused.status_code == 403, refused.text


async def test_a_user_cannot_list_methods_awaiting_verification(
    api: Api, wallet_db: WalletDb
) -> None:
    refused = await api.get(f"{ADMIN}/withdrawal-methods", uuid.uuid4())
    assert refused.status_code == 403
    bad = await api.get(f"{ADMIN}/withdrawal-methods", uuid.uuid4(), role="admin", limit=0)
    assert bad.status_code == 422
