"""Paging past what PostgreSQL can count is a 422 on the parameter (schemathesis found a 500)."""

from __future__ import annotations

import uuid

import pytest
from services.wallet.tests.support.ledger import Api

HUGE = 2**70  # beyond bigint: asyncpg could not even send it


@pytest.mark.parametrize(
    ("path", "role"),
    [("/api/wallet/withdrawals", "user"), ("/api/wallet/admin/withdrawals", "admin")],
)
async def test_an_offset_out_of_range_is_refused_on_the_parameter(
    api: Api, path: str, role: str
) -> None:
    answer = await api.get(path, uuid.uuid4(), role=role, offset=HUGE)
    assert answer.status_code == 422, answer.text
    error = answer.json()["error"]
    assert error["code"] == "validation_error"
    assert [d["loc"] for d in error["details"]] == [["query", "offset"]]
