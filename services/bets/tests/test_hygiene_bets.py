"""Paging past what PostgreSQL can count is a 422 on the parameter, not a database refusal."""

from __future__ import annotations

import uuid
from collections.abc import AsyncIterator
from typing import Any

import httpx
import pytest

from bets.entrypoints.api.app import create_app

HUGE = 2**70  # beyond bigint: asyncpg could not even send it


@pytest.fixture
async def http(
    bets_db: Any, bets_settings: Any, app_client: Any
) -> AsyncIterator[httpx.AsyncClient]:
    """The bets API over ASGI on the migrated schema (``bets_db`` migrates it)."""
    async with app_client(create_app(bets_settings(run_workers=False))) as client:
        yield client


@pytest.mark.parametrize(
    ("path", "role"), [("/api/bets/history", "user"), ("/api/bets/admin/bets", "admin")]
)
async def test_an_offset_out_of_range_is_refused_on_the_parameter(
    http: httpx.AsyncClient, token_issuer: Any, path: str, role: str
) -> None:
    token = token_issuer.issue(user_id=uuid.uuid4(), role=role)
    answer = await http.get(
        path, params={"offset": HUGE}, headers={"Authorization": f"Bearer {token}"}
    )
    assert answer.status_code == 422, answer.text
    error = answer.json()["error"]
    assert error["code"] == "validation_error"
    assert [d["loc"] for d in error["details"]] == [["query", "offset"]]
