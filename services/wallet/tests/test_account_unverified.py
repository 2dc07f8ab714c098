"""ARCHITECTURE §5: an unverified email may read its wallet but not deposit or withdraw."""

from __future__ import annotations

from typing import Any

from services.wallet.tests.support.ledger import Api, WalletDb, make_wallet


def unverified(api: Api, user: Any, key: str | None = None) -> dict[str, str]:
    token = api.issuer.issue(user_id=user, email_verified=False)
    headers = {"Authorization": f"Bearer {token}"}
    if key:
        headers["Idempotency-Key"] = key
    return headers


async def test_unverified_account_reads_but_cannot_move_money(
    api: Api, wallet_db: WalletDb
) -> None:
    user = await make_wallet(wallet_db, balance_minor=50_000)
    http = api.http

    balance = await http.get("/api/wallet/balance", headers=unverified(api, user))
    assert balance.status_code == 200
    assert balance.json()["balance"]["available_balance"] == "500.00"

    for path, body in [
        ("/api/wallet/deposit", {"amount": "100.00"}),
        ("/api/wallet/deposit/checkout", {"amount": "100.00"}),
        ("/api/wallet/withdraw", {"amount": "100.00", "withdrawal_method_id": str(user)}),
    ]:
        response = await http.post(path, json=body, headers=unverified(api, user, key="k-" + path))
        assert response.status_code == 403, (path, response.text)
        assert response.json()["error"]["code"] == "account.unverified"

    assert await wallet_db.balances(user) == (50_000, 0)
