"""Withdrawal methods and withdrawals over HTTP (seed 001 withdrawFunds, ARCHITECTURE §4 limits)."""

from __future__ import annotations

import asyncio
import uuid
from typing import Any

import pytest
from services.wallet.tests.support.ledger import (
    WITHDRAW,
    Api,
    WalletDb,
    add_method,
    deposit,
    handle,
    make_release,
    make_reserve,
    make_wallet,
    method_body,
    ready_user,
)
from sqlalchemy import text

from wallet.domain.audit import ClientInfo
from wallet.domain.errors import InsufficientFunds
from wallet.domain.withdrawals import SuspicionThresholds, WithdrawalLimits
from wallet.service_layer import saga, withdrawals
from wallet.service_layer.unit_of_work import WalletUnitOfWork


async def audit_actions(db: WalletDb, user: uuid.UUID) -> list[tuple[str, str]]:
    async with db.engine.connect() as conn:
        rows = await conn.execute(
            text("SELECT action, status FROM wallet.audit_log WHERE user_id = :u ORDER BY id"),
            {"u": user},
        )
        return [(r.action, r.status) for r in rows]


# --- withdrawal methods --------------------------------------------------------------------


async def test_a_bank_account_is_validated_encrypted_masked_and_verified_by_an_admin(
    api: Api, wallet_db: WalletDb
) -> None:
    user = await make_wallet(wallet_db)
    bad = await api.post(
        "/api/wallet/withdrawal-methods", user, method_body(iban="DE89 3704 0044 0532 0130 01")
    )
    assert bad.status_code == 422
    assert bad.json()["error"]["code"] == "wallet.withdrawal_method_invalid"
    bad_bic = await api.post("/api/wallet/withdrawal-methods", user, method_body(swift_code="XX"))
    assert bad_bic.json()["error"]["details"] == [
        {"field": "swift_code", "problem": "InvalidLength"}
    ]

    added = await api.post("/api/wallet/withdrawal-methods", user, method_body(swift_code=None))
    assert added.status_code == 201
    method = added.json()["method"]
    assert method["is_verified"] is False
    assert method["verification_status"] == "pending"
    assert method["iban"] == "DE89 **** **** 3000"
    assert method["swift_code"] == "COBADEFFXXX"  # known from the IBAN's bank
    async with wallet_db.engine.connect() as conn:
        stored = await conn.scalar(
            text("SELECT iban_ciphertext FROM wallet.withdrawal_method WHERE id = :m"),
            {"m": method["method_id"]},
        )
    assert b"DE89370400440532013000" not in bytes(stored)
    assert b"0532013000" not in bytes(stored)

    other = uuid.uuid4()
    assert (
        await api.post(f"/api/wallet/admin/withdrawal-methods/{method['method_id']}/verify", user)
    ).status_code == 403
    assert (
        await api.delete(f"/api/wallet/withdrawal-methods/{method['method_id']}", other)
    ).status_code == 404
    verified = await api.admin_post(
        f"/api/wallet/admin/withdrawal-methods/{method['method_id']}/verify"
    )
    assert verified.json()["method"]["is_verified"] is True
    listed = (await api.get("/api/wallet/withdrawal-methods", user)).json()["methods"]
    assert [m["method_id"] for m in listed] == [method["method_id"]]
    assert (await api.get("/api/wallet/withdrawal-methods", other)).json()["methods"] == []
    assert (
        await api.delete(f"/api/wallet/withdrawal-methods/{method['method_id']}", user)
    ).status_code == 200
    assert (await api.get("/api/wallet/withdrawal-methods", user)).json()["methods"] == []
    assert [a for a, _ in await audit_actions(wallet_db, user)] == [
        "withdrawal_method_added",
        "withdrawal_method_verified",
        "withdrawal_method_deleted",
    ]


async def test_without_a_token_401_and_admin_paths_refuse_users(api: Api) -> None:
    assert (await api.http.get("/api/wallet/balance")).status_code == 401
    user = uuid.uuid4()
    assert (await api.get("/api/wallet/admin/stats", user)).status_code == 403
    assert (
        await api.post(f"/api/wallet/admin/withdrawals/{uuid.uuid4()}/approve", user)
    ).status_code == 403


# --- seed 001 withdrawFunds ----------------------------------------------------------------


async def test_seed_withdraw_1_and_6_money_leaves_at_once_as_pending(
    api: Api, wallet_db: WalletDb
) -> None:
    user, method = await ready_user(api, wallet_db, 500_000)  # 5000.00
    answer = await api.post(
        WITHDRAW, user, {"amount": 1000.00, "withdrawal_method_id": method, "reason": "rent"}
    )
    assert answer.status_code == 201, answer.text
    body = answer.json()
    assert body["new_balance"] == "4000.00"  # 5000 → 4000 at once
    withdrawal = body["withdrawal"]
    assert (withdrawal["amount"], withdrawal["status"], withdrawal["reason"]) == (
        "1000.00",
        "pending",
        "rent",
    )
    assert await wallet_db.balances(user) == (400_000, 0)
    row = (await wallet_db.history(user))[-1]
    assert (row["type"], row["amount_minor"], row["status"]) == ("withdrawal", -100_000, "pending")
    assert (row["balance_before_minor"], row["balance_after_minor"]) == (500_000, 400_000)
    [event] = await wallet_db.emitted(
        "WithdrawalRequested", operation_id=withdrawal["operation_id"]
    )
    assert event["amount_minor"] == 100_000
    balance = (await api.get("/api/wallet/balance", user)).json()["balance"]
    assert (
        balance["current_balance"],
        balance["available_balance"],
        balance["pending_withdrawals"],
    ) == ("4000.00", "4000.00", "1000.00")


async def test_seed_withdraw_2_insufficient_funds_changes_nothing(
    api: Api, wallet_db: WalletDb
) -> None:
    user, method = await ready_user(api, wallet_db, 500_000)
    refused = await api.post(WITHDRAW, user, {"amount": "5000.01", "withdrawal_method_id": method})
    assert refused.status_code == 422
    error = refused.json()["error"]
    assert error["code"] == "wallet.insufficient_funds"
    assert error["details"] == {"available_balance": "5000.00", "requested_amount": "5000.01"}
    assert await wallet_db.balances(user) == (500_000, 0)
    assert ("withdrawal_failed", "failed") in await audit_actions(wallet_db, user)


async def test_seed_withdraw_3_unverified_or_foreign_method_is_refused(
    api: Api, wallet_db: WalletDb
) -> None:
    user = await make_wallet(wallet_db, balance_minor=500_000)
    unverified = await add_method(api, user, verify=False)
    refused = await api.post(
        WITHDRAW, user, {"amount": "100.00", "withdrawal_method_id": unverified}
    )
    assert refused.status_code == 422
    assert refused.json()["error"]["code"] == "wallet.withdrawal_method_unverified"
    _, foreign = await ready_user(api, wallet_db, 0)
    refused = await api.post(WITHDRAW, user, {"amount": "100.00", "withdrawal_method_id": foreign})
    assert refused.status_code == 404
    assert refused.json()["error"]["code"] == "wallet.withdrawal_method_not_found"
    missing = await api.post(
        WITHDRAW, user, {"amount": "100.00", "withdrawal_method_id": str(uuid.uuid4())}
    )
    assert missing.status_code == 404
    assert await wallet_db.balances(user) == (500_000, 0)


async def test_seed_withdraw_4_daily_limit_counts_pending_and_completed(
    api: Api, wallet_db: WalletDb
) -> None:
    user, method = await ready_user(api, wallet_db, 6_000_000)  # 60 000.00
    first = await api.post(WITHDRAW, user, {"amount": "30000.00", "withdrawal_method_id": method})
    approve = f"/api/wallet/admin/withdrawals/{first.json()['withdrawal']['operation_id']}/approve"
    assert (await api.admin_post(approve)).json()["withdrawal"]["status"] == "pending"
    approved = await api.admin_post(approve)  # a second admin: four eyes above 5 000.00
    assert approved.json()["withdrawal"]["status"] == "completed"
    second = await api.post(WITHDRAW, user, {"amount": "10000.00", "withdrawal_method_id": method})
    assert second.status_code == 201  # 40 000.00 used today: 30 000 completed + 10 000 pending
    over = await api.post(WITHDRAW, user, {"amount": "10000.01", "withdrawal_method_id": method})
    assert over.status_code == 422
    error = over.json()["error"]
    assert error["code"] == "wallet.daily_limit_exceeded"
    assert error["details"] == {
        "daily_limit": "50000.00",
        "used_today": "40000.00",
        "remaining": "10000.00",
        "requested_amount": "10000.01",
    }
    exact = await api.post(WITHDRAW, user, {"amount": "10000.00", "withdrawal_method_id": method})
    assert exact.status_code == 201
    assert exact.json()["new_balance"] == "10000.00"
    # a rejected one no longer counts: after the reject, 10 000.00 is free again
    rejected = await api.admin_post(
        f"/api/wallet/admin/withdrawals/{exact.json()['withdrawal']['operation_id']}/reject",
        {"reason": "Account name does not match"},
    )
    assert rejected.json()["withdrawal"]["rejection_reason"] == "Account name does not match"
    again = await api.post(WITHDRAW, user, {"amount": "10000.00", "withdrawal_method_id": method})
    assert again.status_code == 201


async def test_seed_withdraw_5_amount_limits_at_their_edges(
    make_api: Any, wallet_db: WalletDb
) -> None:
    async with make_api(withdrawal_daily_limit_minor=100_000_000) as api:
        user, method = await ready_user(api, wallet_db, 20_100_000)
        cases = [
            ("9.99", 422, "wallet.withdrawal_below_minimum"),
            ("10.00", 201, None),
            ("100000.00", 201, None),
            ("100000.01", 422, "wallet.withdrawal_above_maximum"),
        ]
        for amount, status, code in cases:
            answer = await api.post(
                WITHDRAW, user, {"amount": amount, "withdrawal_method_id": method}
            )
            assert answer.status_code == status, (amount, answer.text)
            if code:
                assert answer.json()["error"]["code"] == code
        assert await wallet_db.balances(user) == (20_100_000 - 1_000 - 10_000_000, 0)


@pytest.mark.parametrize("amount", ["10.001", -5, 0, "0.00", "NaN", "abc", None, True, "1e3"])
async def test_bad_amounts_are_422(api: Api, wallet_db: WalletDb, amount: Any) -> None:
    user = uuid.uuid4()
    answer = await api.post(
        WITHDRAW, user, {"amount": amount, "withdrawal_method_id": str(uuid.uuid4())}
    )
    assert answer.status_code == 422
    assert answer.json()["error"]["code"] == "validation_error"


async def test_seed_withdraw_7_every_step_is_audited_with_ip_and_agent(
    api: Api, wallet_db: WalletDb
) -> None:
    user, method = await ready_user(api, wallet_db, 10_000)
    answer = await api.post(WITHDRAW, user, {"amount": "50.00", "withdrawal_method_id": method})
    operation = answer.json()["withdrawal"]["operation_id"]
    await api.post(f"/api/wallet/withdrawals/{operation}/cancel", user)
    async with wallet_db.engine.connect() as conn:
        sql = (
            "SELECT action, amount_minor, host(ip_address) AS ip, user_agent, details"
            " FROM wallet.audit_log WHERE user_id = :u AND action LIKE 'withdrawal_%' ORDER BY id"
        )
        rows = (await conn.execute(text(sql), {"u": user})).all()
    initiated = next(r for r in rows if r.action == "withdrawal_initiated")
    assert (initiated.amount_minor, initiated.ip, initiated.user_agent) == (
        5_000,
        "203.0.113.7",
        "wallet-tests/1.0",
    )
    assert initiated.details["operation_id"] == operation
    assert [r.action for r in rows][-2:] == ["withdrawal_initiated", "withdrawal_cancelled"]


# --- idempotency -----------------------------------------------------------------------------


async def test_idempotency_key_replays_the_first_answer_and_moves_money_once(
    api: Api, wallet_db: WalletDb
) -> None:
    user, method = await ready_user(api, wallet_db, 100_000)
    body = {"amount": "100.00", "withdrawal_method_id": method}
    first = await api.post(WITHDRAW, user, body, key="wd-1")
    again = await api.post(
        WITHDRAW, user, {"withdrawal_method_id": method, "amount": "100.00"}, key="wd-1"
    )
    assert first.status_code == again.status_code == 201
    assert again.json() == first.json()
    assert again.headers["idempotent-replayed"] == "true"
    assert await wallet_db.balances(user) == (90_000, 0)
    mismatch = await api.post(WITHDRAW, user, {**body, "amount": "100.01"}, key="wd-1")
    assert mismatch.status_code == 422
    assert mismatch.json()["error"]["code"] == "idempotency.mismatch"
    # the key is the user's own: another user with the same key is a new request
    other, other_method = await ready_user(api, wallet_db, 100_000)
    theirs = await api.post(
        WITHDRAW, other, {"amount": "100.00", "withdrawal_method_id": other_method}, key="wd-1"
    )
    assert theirs.status_code == 201
    assert theirs.json()["withdrawal"]["operation_id"] != first.json()["withdrawal"]["operation_id"]
    # a refusal is the first answer too
    refused = await api.post(WITHDRAW, user, {**body, "amount": "5000.00"}, key="wd-2")
    await deposit(wallet_db, user, 1_000_000)
    replay = await api.post(WITHDRAW, user, {**body, "amount": "5000.00"}, key="wd-2")
    assert refused.status_code == replay.status_code == 422
    assert replay.json() == refused.json()
    assert await wallet_db.balances(user) == (1_090_000, 0)
    # parallel retries of one key: one withdrawal, the rest replay it or are told it is in flight
    answers = await asyncio.gather(*(api.post(WITHDRAW, user, body, key="wd-3") for _ in range(5)))
    assert {a.status_code for a in answers} <= {201, 409}
    ids = {a.json()["withdrawal"]["operation_id"] for a in answers if a.status_code == 201}
    assert len(ids) == 1
    assert await wallet_db.balances(user) == (1_080_000, 0)


# --- cancel / approve / reject -----------------------------------------------------------------


async def test_user_cancels_a_pending_withdrawal_once(api: Api, wallet_db: WalletDb) -> None:
    user, method = await ready_user(api, wallet_db, 100_000)
    made = await api.post(WITHDRAW, user, {"amount": "250.00", "withdrawal_method_id": method})
    operation = made.json()["withdrawal"]["operation_id"]
    assert (
        await api.post(f"/api/wallet/withdrawals/{operation}/cancel", uuid.uuid4())
    ).status_code == 404
    cancelled = await api.post(f"/api/wallet/withdrawals/{operation}/cancel", user)
    assert cancelled.status_code == 200
    assert (cancelled.json()["withdrawal"]["status"], cancelled.json()["new_balance"]) == (
        "cancelled",
        "1000.00",
    )
    again = await api.post(f"/api/wallet/withdrawals/{operation}/cancel", user)
    assert again.status_code == 409
    assert again.json()["error"]["code"] == "wallet.withdrawal_not_pending"
    assert (
        await api.admin_post(f"/api/wallet/admin/withdrawals/{operation}/approve")
    ).status_code == 409
    rows = [(r["type"], r["amount_minor"], r["status"]) for r in await wallet_db.history(user)]
    assert rows[-2:] == [("withdrawal", -25_000, "cancelled"), ("refund", 25_000, "completed")]
    assert len(await wallet_db.emitted("WithdrawalCancelled", operation_id=operation)) == 1
    assert await wallet_db.balances(user) == (100_000, 0)


async def test_cancel_can_be_switched_off(make_api: Any, wallet_db: WalletDb) -> None:
    async with make_api(withdrawal_user_cancel=False) as api:
        user, method = await ready_user(api, wallet_db, 100_000)
        made = await api.post(WITHDRAW, user, {"amount": "250.00", "withdrawal_method_id": method})
        operation = made.json()["withdrawal"]["operation_id"]
        refused = await api.post(f"/api/wallet/withdrawals/{operation}/cancel", user)
        assert refused.status_code == 403
        assert refused.json()["error"]["code"] == "wallet.withdrawal_cancel_disabled"
        assert (
            await api.admin_post(
                f"/api/wallet/admin/withdrawals/{operation}/reject", {"reason": "x"}
            )
        ).status_code == 200


async def test_admin_queue_approve_and_reject(api: Api, wallet_db: WalletDb) -> None:
    user, method = await ready_user(api, wallet_db, 100_000)
    one = (
        await api.post(WITHDRAW, user, {"amount": "100.00", "withdrawal_method_id": method})
    ).json()
    two = (
        await api.post(WITHDRAW, user, {"amount": "200.00", "withdrawal_method_id": method})
    ).json()
    queue = await api.http.get(
        "/api/wallet/admin/withdrawals",
        params={"status": "pending", "user_id": str(user)},
        headers=api.headers(uuid.uuid4(), role="admin"),
    )
    assert [w["amount"] for w in queue.json()["withdrawals"]] == ["100.00", "200.00"]
    op_one, op_two = one["withdrawal"]["operation_id"], two["withdrawal"]["operation_id"]
    assert (
        await api.admin_post(f"/api/wallet/admin/withdrawals/{op_one}/approve")
    ).status_code == 200
    assert (
        await api.admin_post(f"/api/wallet/admin/withdrawals/{op_one}/approve")
    ).status_code == 409
    assert (
        await api.admin_post(
            f"/api/wallet/admin/withdrawals/{op_two}/reject", {"reason": "Suspicious"}
        )
    ).status_code == 200
    assert (
        await api.admin_post(
            f"/api/wallet/admin/withdrawals/{uuid.uuid4()}/reject", {"reason": "x"}
        )
    ).status_code == 404
    assert await wallet_db.balances(user) == (90_000, 0)
    rows = [(r["type"], r["amount_minor"], r["status"]) for r in await wallet_db.history(user)]
    assert rows[1:] == [
        ("withdrawal", -10_000, "completed"),
        ("withdrawal", -20_000, "rejected"),
        ("refund", 20_000, "completed"),
    ]
    balance = (await api.get("/api/wallet/balance", user)).json()["balance"]
    assert (balance["total_withdrawn"], balance["pending_withdrawals"]) == ("100.00", "0.00")
    assert len(await wallet_db.emitted("WithdrawalCompleted", operation_id=op_one)) == 1
    [rejected] = await wallet_db.emitted("WithdrawalRejected", operation_id=op_two)
    assert rejected["reason"] == "Suspicious"


# --- races ---------------------------------------------------------------------------------


async def test_twenty_parallel_withdrawals_racing_reservations_never_overdraw(
    api: Api, wallet_db: WalletDb
) -> None:
    user, method = await ready_user(api, wallet_db, 30_000)  # 300.00
    limits, thresholds = WithdrawalLimits(), SuspicionThresholds()

    async def withdraw() -> bool:
        try:
            async with wallet_db.sessionmaker.begin() as session:
                await withdrawals.request_withdrawal(
                    WalletUnitOfWork.joining(session),
                    user_id=user,
                    amount_minor=2_000,
                    method_id=uuid.UUID(method),
                    reason=None,
                    limits=limits,
                    thresholds=thresholds,
                    client=ClientInfo(),
                )
        except InsufficientFunds:
            return False  # anything else fails the test
        return True

    reservations = [make_reserve(user, 1_000) for _ in range(20)]
    outcomes = await asyncio.gather(
        *(withdraw() for _ in range(20)),
        *(handle(wallet_db, saga.on_reserve_stake, r) for r in reservations),
    )
    withdrawn = sum(1 for o in outcomes[:20] if o)
    reserved = len(await wallet_db.emitted("StakeReserved", user_id=user))
    available, held = await wallet_db.balances(user)
    assert available >= 0
    assert available == 30_000 - 2_000 * withdrawn - 1_000 * reserved
    assert held == 1_000 * reserved
    assert available < 1_000  # everything that fit was taken
    for r in reservations:
        if await wallet_db.hold_status(r.bet_id) == "pending":
            await handle(wallet_db, saga.on_release_stake, make_release(r))
