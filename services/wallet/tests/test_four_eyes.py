"""Four eyes on money out (issue 20), over HTTP with the wallet app.

An admin cannot verify their own withdrawal method, nor approve or reject their own withdrawal
(403 ``wallet.four_eyes_own_operation``, audited). Above the configured amount (5 000.00 by
default) a withdrawal needs two approvals by two different admins; the money moves once, whatever
the timing of the approvals.
"""

from __future__ import annotations

import asyncio
import json
import uuid
from typing import Any

import httpx
from services.wallet.tests.support.ledger import (
    WITHDRAW,
    Api,
    WalletDb,
    add_method,
    make_wallet,
    method_body,
    ready_user,
)
from sqlalchemy import text

OWN = "wallet.four_eyes_own_operation"


def approve_path(operation: str) -> str:
    return f"/api/wallet/admin/withdrawals/{operation}/approve"


def reject_path(operation: str) -> str:
    return f"/api/wallet/admin/withdrawals/{operation}/reject"


async def as_admin(api: Api, admin: uuid.UUID, path: str, body: Any = None) -> httpx.Response:
    return await api.post(path, admin, body, role="admin")


async def withdraw(api: Api, user: uuid.UUID, method: str, amount: str) -> str:
    made = await api.post(WITHDRAW, user, {"amount": amount, "withdrawal_method_id": method})
    assert made.status_code == 201, made.text
    return str(made.json()["withdrawal"]["operation_id"])


async def payouts(db: WalletDb, operation: str) -> int:
    return await db.count(
        "SELECT count(*) FROM wallet.transfer WHERE kind = 'withdrawal_payout' AND reference = :r",
        r=operation,
    )


async def audit(db: WalletDb, action: str, **details: str) -> list[dict[str, Any]]:
    async with db.engine.connect() as conn:
        rows = await conn.execute(
            text(
                "SELECT user_id, actor_id, status, details FROM wallet.audit_log"
                " WHERE action = :a AND details @> CAST(:d AS jsonb) ORDER BY id"
            ),
            {"a": action, "d": json.dumps(details)},
        )
        return [dict(r._mapping) for r in rows]


async def queued(api: Api, user: uuid.UUID) -> dict[str, Any]:
    answer = await api.http.get(
        "/api/wallet/admin/withdrawals",
        params={"user_id": str(user)},
        headers=api.headers(uuid.uuid4(), role="admin"),
    )
    assert answer.status_code == 200, answer.text
    [found] = answer.json()["withdrawals"]
    return dict(found)


# --- an admin's own money out ------------------------------------------------------------------


async def test_an_admin_cannot_verify_their_own_withdrawal_method(
    api: Api, wallet_db: WalletDb
) -> None:
    admin = await make_wallet(wallet_db, balance_minor=100_000)
    added = await api.post("/api/wallet/withdrawal-methods", admin, method_body(), role="admin")
    assert added.status_code == 201, added.text
    method = added.json()["method"]["method_id"]

    refused = await as_admin(api, admin, f"/api/wallet/admin/withdrawal-methods/{method}/verify")
    assert refused.status_code == 403, refused.text
    assert refused.json()["error"]["code"] == OWN
    listed = (await api.get("/api/wallet/withdrawal-methods", admin)).json()["methods"]
    assert [m["is_verified"] for m in listed] == [False]
    [row] = await audit(wallet_db, "four_eyes_refused", target=method)
    assert (row["user_id"], row["actor_id"], row["status"]) == (admin, admin, "failed")
    assert row["details"]["operation"] == "verify_withdrawal_method"
    # another admin may
    assert (
        await api.admin_post(f"/api/wallet/admin/withdrawal-methods/{method}/verify")
    ).is_success


async def test_an_admin_cannot_approve_or_reject_their_own_withdrawal(
    api: Api, wallet_db: WalletDb
) -> None:
    admin = await make_wallet(wallet_db, balance_minor=100_000)
    method = await add_method(api, admin)  # verified by another admin
    operation = await withdraw(api, admin, method, "100.00")

    for path, body in ((approve_path(operation), None), (reject_path(operation), {"reason": "x"})):
        refused = await as_admin(api, admin, path, body)
        assert refused.status_code == 403, refused.text
        assert refused.json()["error"]["code"] == OWN
    assert await payouts(wallet_db, operation) == 0
    assert await wallet_db.balances(admin) == (90_000, 0)
    assert (await queued(api, admin))["status"] == "pending"
    assert len(await audit(wallet_db, "four_eyes_refused", target=operation)) == 2
    # another admin approves it
    approved = await api.admin_post(approve_path(operation))
    assert approved.json()["withdrawal"]["status"] == "completed"
    assert await payouts(wallet_db, operation) == 1


# --- two approvals above the threshold ---------------------------------------------------------


async def test_above_the_threshold_a_second_different_admin_completes_the_withdrawal(
    api: Api, wallet_db: WalletDb
) -> None:
    user, method = await ready_user(api, wallet_db, 1_000_000)
    operation = await withdraw(api, user, method, "5000.01")
    first_admin, second_admin = uuid.uuid4(), uuid.uuid4()

    first = await as_admin(api, first_admin, approve_path(operation))
    assert first.status_code == 200, first.text
    shown = first.json()["withdrawal"]
    assert shown["status"] == "pending"
    assert shown["approvals_required"] == 2
    assert [a["admin_id"] for a in shown["approvals"]] == [str(first_admin)]
    assert await payouts(wallet_db, operation) == 0
    assert await wallet_db.emitted("WithdrawalCompleted", operation_id=operation) == []
    in_queue = await queued(api, user)
    assert (in_queue["status"], in_queue["approvals_required"]) == ("pending", 2)
    assert [a["admin_id"] for a in in_queue["approvals"]] == [str(first_admin)]
    assert in_queue["approvals"][0]["approved_at"]
    [recorded] = await audit(wallet_db, "withdrawal_approved", operation_id=operation)
    assert (recorded["actor_id"], recorded["status"]) == (first_admin, "pending")

    again = await as_admin(api, first_admin, approve_path(operation))
    assert again.status_code == 409, again.text
    assert again.json()["error"]["code"] == "wallet.withdrawal_already_approved"

    second = await as_admin(api, second_admin, approve_path(operation))
    assert second.status_code == 200, second.text
    done = second.json()["withdrawal"]
    assert done["status"] == "completed"
    assert [a["admin_id"] for a in done["approvals"]] == [str(first_admin), str(second_admin)]
    assert await payouts(wallet_db, operation) == 1
    assert len(await wallet_db.emitted("WithdrawalCompleted", operation_id=operation)) == 1
    assert await wallet_db.balances(user) == (1_000_000 - 500_001, 0)
    third = await api.admin_post(approve_path(operation))
    assert third.status_code == 409
    assert third.json()["error"]["code"] == "wallet.withdrawal_not_pending"


async def test_at_the_threshold_one_approval_is_enough(api: Api, wallet_db: WalletDb) -> None:
    user, method = await ready_user(api, wallet_db, 1_000_000)
    operation = await withdraw(api, user, method, "5000.00")
    approved = await api.admin_post(approve_path(operation))
    assert approved.json()["withdrawal"]["status"] == "completed"
    assert approved.json()["withdrawal"]["approvals_required"] == 1
    assert await payouts(wallet_db, operation) == 1


async def test_the_threshold_is_a_setting(make_api: Any, wallet_db: WalletDb) -> None:
    async with make_api(withdrawal_second_approval_above_minor=10_000) as api:
        user, method = await ready_user(api, wallet_db, 100_000)
        operation = await withdraw(api, user, method, "100.01")
        first = await api.admin_post(approve_path(operation))
        assert first.json()["withdrawal"]["status"] == "pending"
        second = await api.admin_post(approve_path(operation))
        assert second.json()["withdrawal"]["status"] == "completed"


async def test_any_other_admin_may_reject_after_a_first_approval(
    api: Api, wallet_db: WalletDb
) -> None:
    user, method = await ready_user(api, wallet_db, 1_000_000)
    operation = await withdraw(api, user, method, "6000.00")
    approver = uuid.uuid4()
    assert (await as_admin(api, approver, approve_path(operation))).status_code == 200
    rejected = await as_admin(api, approver, reject_path(operation), {"reason": "On reflection"})
    assert rejected.status_code == 200, rejected.text
    assert rejected.json()["withdrawal"]["status"] == "rejected"
    assert await payouts(wallet_db, operation) == 0
    assert await wallet_db.balances(user) == (1_000_000, 0)


# --- admins approving at the same moment -------------------------------------------------------


async def test_two_admins_approving_at_once_pay_out_once_and_never_skip_the_rule(
    api: Api, wallet_db: WalletDb
) -> None:
    user, method = await ready_user(api, wallet_db, 5_000_000)
    # needs two: both approvals count, the second completes it, the money moves once
    two_needed = [await withdraw(api, user, method, "6000.00") for _ in range(3)]
    for operation in two_needed:
        answers = await asyncio.gather(
            *(as_admin(api, uuid.uuid4(), approve_path(operation)) for _ in range(2))
        )
        assert sorted(a.status_code for a in answers) == [200, 200]
        assert sorted(a.json()["withdrawal"]["status"] for a in answers) == [
            "completed",
            "pending",
        ]
        assert await payouts(wallet_db, operation) == 1
    # needs two, the same admin twice at once: recorded once, still pending
    operation = await withdraw(api, user, method, "6000.00")
    admin = uuid.uuid4()
    answers = await asyncio.gather(*(as_admin(api, admin, approve_path(operation)) for _ in "ab"))
    assert sorted(a.status_code for a in answers) == [200, 409]
    assert (await queued_one(api, operation, user))["status"] == "pending"
    assert await payouts(wallet_db, operation) == 0
    # needs one, two admins at once: one completes it, the other finds it decided
    small = await withdraw(api, user, method, "100.00")
    answers = await asyncio.gather(
        *(as_admin(api, uuid.uuid4(), approve_path(small)) for _ in range(2))
    )
    assert sorted(a.status_code for a in answers) == [200, 409]
    assert await payouts(wallet_db, small) == 1


async def queued_one(api: Api, operation: str, user: uuid.UUID) -> dict[str, Any]:
    answer = await api.http.get(
        "/api/wallet/admin/withdrawals",
        params={"user_id": str(user), "status": "pending"},
        headers=api.headers(uuid.uuid4(), role="admin"),
    )
    return next(w for w in answer.json()["withdrawals"] if w["operation_id"] == operation)


async def test_the_user_never_sees_the_approvals(api: Api, wallet_db: WalletDb) -> None:
    user, method = await ready_user(api, wallet_db, 1_000_000)
    operation = await withdraw(api, user, method, "6000.00")
    await api.admin_post(approve_path(operation))
    [mine] = (await api.get("/api/wallet/withdrawals", user)).json()["withdrawals"]
    assert mine["status"] == "pending"
    assert not {"approvals", "approvals_required", "flags"} & set(mine)
