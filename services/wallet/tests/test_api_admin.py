"""Admin finance stats: totals, wallets in debt, suspicious patterns."""

from __future__ import annotations

import uuid

from services.wallet.tests.support.ledger import (
    WITHDRAW,
    Api,
    WalletDb,
    handle,
    make_release,
    make_reserve,
    make_resettled,
    make_settled,
    ready_user,
    reserve_on_new_wallet,
)

from wallet.service_layer import saga


async def stats(api: Api) -> dict[str, object]:
    answer = await api.http.get(
        "/api/wallet/admin/stats", headers=api.headers(uuid.uuid4(), role="admin")
    )
    assert answer.status_code == 200, answer.text
    return dict(answer.json()["stats"])


async def test_withdrawal_straight_after_a_deposit_and_failed_attempts_are_flagged(
    api: Api, wallet_db: WalletDb
) -> None:
    user, method = await ready_user(api, wallet_db, 100_000)
    made = await api.post(WITHDRAW, user, {"amount": "900.00", "withdrawal_method_id": method})
    assert made.status_code == 201
    for _ in range(3):
        refused = await api.post(
            WITHDRAW, user, {"amount": "5000.00", "withdrawal_method_id": method}
        )
        assert refused.status_code == 422
    queue = await api.http.get(
        "/api/wallet/admin/withdrawals",
        params={"user_id": str(user)},
        headers=api.headers(uuid.uuid4(), role="admin"),
    )
    assert queue.json()["withdrawals"][0]["flags"] == ["withdrawal_after_deposit_without_bets"]
    found = {s["user_id"]: s for s in (await stats(api))["suspicious"]}  # type: ignore[index]
    assert set(found[str(user)]["flags"]) == {
        "withdrawal_after_deposit_without_bets",
        "repeated_failed_withdrawals",
    }

    # a user who bet after depositing is not flagged for that
    player, player_method = await ready_user(api, wallet_db, 100_000)
    await handle(wallet_db, saga.on_reserve_stake, make_reserve(player, 1_000))
    played = await api.post(
        WITHDRAW, player, {"amount": "100.00", "withdrawal_method_id": player_method}
    )
    assert played.status_code == 201
    assert str(player) not in {s["user_id"] for s in (await stats(api))["suspicious"]}  # type: ignore[index]
    cancel = f"/api/wallet/withdrawals/{played.json()['withdrawal']['operation_id']}/cancel"
    assert (await api.post(cancel, player)).status_code == 200


async def test_totals_and_wallets_in_debt(api: Api, wallet_db: WalletDb) -> None:
    before = await stats(api)
    user, reserve = await reserve_on_new_wallet(wallet_db, balance_minor=1_000, stake_minor=1_000)
    await handle(wallet_db, saga.on_bet_settled, make_settled(reserve, "won", payout_minor=2_100))
    spend = make_reserve(user, 2_000)
    await handle(wallet_db, saga.on_reserve_stake, spend)
    await handle(wallet_db, saga.on_bet_resettled, make_resettled(reserve, "won", "lost", -2_100))
    after = await stats(api)
    debt = {d["user_id"]: d for d in after["wallets"]["in_debt"]}  # type: ignore[index]
    assert debt[str(user)]["available_balance"] == "-20.00"
    assert after["wallets"]["in_debt_count"] == before["wallets"]["in_debt_count"] + 1  # type: ignore[index]
    assert after["deposits"]["count"] == before["deposits"]["count"] + 1  # type: ignore[index]
    b = after["bets"]  # type: ignore[index]
    assert b["open_count"] >= 0
    assert "payout_rate_percent" in b
    await handle(wallet_db, saga.on_release_stake, make_release(spend))
