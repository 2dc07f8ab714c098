"""GET /api/wallet/withdrawal-limits: the limits a withdrawal is checked against and today's use,
counted by the same sum the request checks (ARCHITECTURE §4 limits)."""

from __future__ import annotations

import uuid
from typing import Any

from services.wallet.tests.support.ledger import WITHDRAW, Api, WalletDb, ready_user

LIMITS = "/api/wallet/withdrawal-limits"


async def limits_of(api: Api, user: uuid.UUID) -> dict[str, Any]:
    answer = await api.get(LIMITS, user)
    assert answer.status_code == 200, answer.text
    limits: dict[str, Any] = answer.json()["limits"]
    return limits


async def test_a_fresh_user_has_the_whole_day_left(api: Api) -> None:
    assert await limits_of(api, uuid.uuid4()) == {
        "min": "10.00",
        "max": "100000.00",
        "daily_limit": "50000.00",
        "used_today": "0.00",
        "remaining": "50000.00",
        "currency": "USD",
    }


async def test_a_pending_withdrawal_counts_and_a_cancelled_one_no_longer(
    api: Api, wallet_db: WalletDb
) -> None:
    user, method = await ready_user(api, wallet_db, 500_000)
    made = await api.post(WITHDRAW, user, {"amount": "1234.56", "withdrawal_method_id": method})
    assert made.status_code == 201, made.text
    limits = await limits_of(api, user)
    assert (limits["used_today"], limits["remaining"]) == ("1234.56", "48765.44")
    operation = made.json()["withdrawal"]["operation_id"]
    cancelled = await api.post(f"/api/wallet/withdrawals/{operation}/cancel", user)
    assert cancelled.status_code == 200, cancelled.text
    limits = await limits_of(api, user)
    assert (limits["used_today"], limits["remaining"]) == ("0.00", "50000.00")


async def test_another_users_withdrawals_do_not_count(api: Api, wallet_db: WalletDb) -> None:
    other, method = await ready_user(api, wallet_db, 500_000)
    made = await api.post(WITHDRAW, other, {"amount": "2000.00", "withdrawal_method_id": method})
    assert made.status_code == 201, made.text
    user, _ = await ready_user(api, wallet_db, 500_000)
    assert (await limits_of(api, user))["used_today"] == "0.00"
    assert (await limits_of(api, other))["used_today"] == "2000.00"


async def test_the_remaining_is_what_the_withdrawal_itself_allows(
    make_api: Any, wallet_db: WalletDb
) -> None:
    """The settings' limits, and the refusal's numbers are the endpoint's (one sum for both)."""
    async with make_api(
        withdrawal_min_minor=500, withdrawal_max_minor=300_000, withdrawal_daily_limit_minor=400_000
    ) as api:
        user, method = await ready_user(api, wallet_db, 1_000_000)
        for amount in ("3000.00", "500.00"):
            made = await api.post(
                WITHDRAW, user, {"amount": amount, "withdrawal_method_id": method}
            )
            assert made.status_code == 201, made.text
        limits = await limits_of(api, user)
        assert limits == {
            "min": "5.00",
            "max": "3000.00",
            "daily_limit": "4000.00",
            "used_today": "3500.00",
            "remaining": "500.00",
            "currency": "USD",
        }
        over = await api.post(WITHDRAW, user, {"amount": "500.01", "withdrawal_method_id": method})
        assert over.json()["error"]["details"] == {
            "daily_limit": limits["daily_limit"],
            "used_today": limits["used_today"],
            "remaining": limits["remaining"],
            "requested_amount": "500.01",
        }
        exact = await api.post(WITHDRAW, user, {"amount": "500.00", "withdrawal_method_id": method})
        assert exact.status_code == 201, exact.text
        assert (await limits_of(api, user))["remaining"] == "0.00"


async def test_without_a_token_401(api: Api) -> None:
    answer = await api.http.get(LIMITS)
    assert answer.status_code == 401
    assert answer.json()["error"]["code"] == "auth.invalid_token"
