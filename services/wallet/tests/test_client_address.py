"""The address wallet audits: X-Real-IP only from the gateway's network, else the TCP peer;
X-Forwarded-For never (ARCHITECTURE.md §9)."""

from __future__ import annotations

import uuid
from typing import Any

from services.wallet.tests.support.ledger import Api, WalletDb, method_body


async def audited_ip(api: Api, wallet_db: WalletDb, headers: dict[str, str]) -> list[str]:
    user = uuid.uuid4()
    added = await api.http.post(
        "/api/wallet/withdrawal-methods",
        json=method_body(),
        headers={**api.headers(user), **headers},
    )
    assert added.status_code == 201, added.text
    async with wallet_db.engine.connect() as conn:
        rows = await conn.exec_driver_sql(
            "SELECT host(ip_address) FROM wallet.audit_log WHERE user_id = $1", (user,)
        )
        return [str(row[0]) for row in rows]


async def test_a_direct_caller_is_audited_by_its_peer_not_by_what_it_claims(
    make_api: Any, wallet_db: WalletDb
) -> None:
    # The test client connects from 127.0.0.1, outside this gateway network.
    async with make_api(trusted_gateway_networks="192.0.2.0/24") as api:
        forged = {"X-Real-IP": "6.6.6.6", "X-Forwarded-For": "6.6.6.6"}
        assert await audited_ip(api, wallet_db, forged) == ["127.0.0.1"]


async def test_the_gateway_s_x_real_ip_is_audited_never_x_forwarded_for(
    api: Api, wallet_db: WalletDb
) -> None:
    headers = {"X-Real-IP": "198.51.100.20", "X-Forwarded-For": "6.6.6.6"}
    assert await audited_ip(api, wallet_db, headers) == ["198.51.100.20"]
