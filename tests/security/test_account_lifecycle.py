"""Through the gateway, with every process running: an unblocked user's money works again
(auth.UserUnblocked reaches the wallet), and a closed account is anonymised, signed out and
refused while its money history stays (issue #25, items 1 and 10).

Each test makes a user of its own (the matrix keeps its cast)."""

from __future__ import annotations

import uuid
from typing import Any

import asyncpg
from tests.e2e.client import Bettor, Platform, eventually
from tests.e2e.processes import STRIPE_PUBLISHABLE_KEY
from tests.security.conftest import Cast

from common.db import libpq_url


async def _new_bettor(platform: Platform, tag: str) -> Bettor:
    token = uuid.uuid4().hex[:8]
    who = Bettor(f"{tag}-{token}@security.looseline.dev", "Lifecycle-pass-9", tag.title())
    return await platform.sign_up_verified(who)


async def _deposit_by_card(platform: Platform, who: Bettor, amount: str) -> None:
    form = await platform.ok("POST", "/api/wallet/deposit", who, json={"amount": amount})
    assert form["action"] == "requires_payment_form", form
    confirmed = await platform.outside.post(
        f"{platform.layout.simulator_url}/v1/payment_intents/{form['intent_id']}/confirm",
        headers={"Authorization": f"Bearer {STRIPE_PUBLISHABLE_KEY}"},
        data={"client_secret": form["client_secret"], "payment_method": "pm_card_visa"},
    )
    assert confirmed.status_code == 200, confirmed.text


async def _wallet_row(platform: Platform, user_id: str) -> Any:
    conn = await asyncpg.connect(libpq_url(platform.database.admin_dsn))
    try:
        return await conn.fetchrow(
            "SELECT status, closure_requested_at, closure_settled_at"
            " FROM wallet.wallet WHERE user_id = $1",
            uuid.UUID(user_id),
        )
    finally:
        await conn.close()


def _bank_account(name: str) -> dict[str, str]:
    return {
        "withdrawal_type": "bank_transfer",
        "iban": "DE89370400440532013000",
        "account_holder_name": name,
        "bank_name": "Lifecycle Bank",
    }


async def test_blocked_then_unblocked_user_deposits_and_adds_a_withdrawal_method_again(
    platform: Platform, cast: Cast
) -> None:
    admin = cast.admin
    dan = await _new_bettor(platform, "dan")
    await platform.balance_becomes(dan, current_balance="0.00")

    await platform.ok(
        "POST", f"/api/auth/admin/users/{dan.user_id}/block", admin, json={"reason": "review"}
    )

    # His token died at once; a new sign-in is refused while blocked.
    async def token_dead() -> bool | None:
        answer = await platform.call("GET", "/api/wallet/balance", dan)
        return True if answer.status_code == 401 else None

    await eventually(token_dead, "the blocked user's token refused")
    refused = await platform.call(
        "POST", "/api/auth/sign-in", json={"email": dan.email, "password": dan.password}
    )
    assert refused.status_code == 403, refused.text
    assert refused.json()["error"]["code"] == "auth.user_blocked"

    async def wallet_blocked() -> bool | None:
        row = await _wallet_row(platform, dan.user_id)
        return True if row is not None and row["status"] == "blocked" else None

    await eventually(wallet_blocked, "UserBlocked reached the wallet")

    await platform.ok("POST", f"/api/auth/admin/users/{dan.user_id}/unblock", admin)
    await platform.sign_in(dan)

    async def deposit_accepted() -> dict[str, Any] | None:
        answer = await platform.call("POST", "/api/wallet/deposit", dan, json={"amount": "20.00"})
        if answer.status_code == 403:  # UserUnblocked still on its way to the wallet
            assert answer.json()["error"]["code"] == "wallet.user_blocked", answer.text
            return None
        assert answer.status_code == 200, answer.text
        return dict(answer.json())

    form = await eventually(deposit_accepted, "a deposit accepted after the unblock")
    assert form["action"] == "requires_payment_form", form
    method = await platform.ok(
        "POST", "/api/wallet/withdrawal-methods", dan, status=201, json=_bank_account("Dan")
    )
    assert method["method"]["is_verified"] is False
    row = await _wallet_row(platform, dan.user_id)
    assert row["status"] == "active"


async def test_closing_an_account_waits_for_the_last_withdrawal_then_anonymises_it(
    platform: Platform, cast: Cast
) -> None:
    admin = cast.admin
    eve = await _new_bettor(platform, "eve")
    await _deposit_by_card(platform, eve, "30.00")
    await platform.balance_becomes(eve, current_balance="30.00", available_balance="30.00")
    added = await platform.ok(
        "POST", "/api/wallet/withdrawal-methods", eve, status=201, json=_bank_account("Eve")
    )
    method_id = added["method"]["method_id"]
    await platform.ok("POST", f"/api/wallet/admin/withdrawal-methods/{method_id}/verify", admin)
    asked = await platform.ok(
        "POST",
        "/api/wallet/withdraw",
        eve,
        status=201,
        json={"amount": "30.00", "withdrawal_method_id": method_id},
    )
    withdrawal_id = asked["withdrawal"]["operation_id"]

    wrong = await platform.call(
        "POST", "/api/auth/account/close", eve, json={"password": "Not-it-at-all-9"}
    )
    assert wrong.status_code == 400, wrong.text
    closing = await platform.ok(
        "POST", "/api/auth/account/close", eve, status=202, json={"password": eve.password}
    )
    assert closing["user"]["status"] == "closing"

    # The wallet stops money coming in; a withdrawal is still pending, so the closure waits.
    async def deposit_refused() -> bool | None:
        answer = await platform.call("POST", "/api/wallet/deposit", eve, json={"amount": "5.00"})
        if answer.status_code == 409:
            assert answer.json()["error"]["code"] == "wallet.account_closing", answer.text
            return True
        return None

    await eventually(deposit_refused, "deposits refused while the account closes")
    row = await _wallet_row(platform, eve.user_id)
    assert row["closure_requested_at"] is not None
    assert row["closure_settled_at"] is None
    assert (await platform.ok("GET", "/api/auth/session", eve))["user"]["status"] == "closing"

    # The last money goes out: the wallet is empty, the closure completes.
    await platform.ok("POST", f"/api/wallet/admin/withdrawals/{withdrawal_id}/approve", admin)

    async def token_dead() -> bool | None:
        answer = await platform.call("GET", "/api/auth/session", eve)
        return True if answer.status_code == 401 else None

    await eventually(token_dead, "the closed account's token refused")
    signin = await platform.call(
        "POST", "/api/auth/sign-in", json={"email": eve.email, "password": eve.password}
    )
    assert signin.status_code == 401, signin.text
    details = await platform.ok("GET", f"/api/auth/admin/users/{eve.user_id}", admin)
    user = details["user"]
    assert (user["email"], user["name"], user["status"]) == (
        f"closed-{eve.user_id}@invalid",
        "Closed account",
        "closed",
    )

    # Money history kept: the deposit and the withdrawal are still in the ledger.
    conn = await asyncpg.connect(libpq_url(platform.database.admin_dsn))
    try:
        kinds = sorted(
            r["kind"]
            for r in await conn.fetch(
                "SELECT kind FROM wallet.transfer WHERE user_id = $1", uuid.UUID(eve.user_id)
            )
        )
        history = await conn.fetchval(
            "SELECT count(*) FROM wallet.balance_transaction WHERE user_id = $1",
            uuid.UUID(eve.user_id),
        )
    finally:
        await conn.close()
    assert "deposit" in kinds, kinds
    assert any(k.startswith("withdrawal") for k in kinds), kinds
    assert history >= 2
