"""Small builders for the partners tests."""

from __future__ import annotations

import secrets
import uuid
from typing import Any

import httpx

from common.contracts.auth import UserRegistered
from common.contracts.bets import BetSettled
from common.contracts.wallet import DepositCompleted, WithdrawalCompleted
from common.testing.messages import bet_settled

ALL_EVENTS = ("registration", "first_deposit", "deposit", "withdrawal", "win")
TEMPLATE = (
    "{base}?e={{event}}&cid={{click_id}}&uid={{user_id}}&amt={{amount}}&cur={{currency}}"
    "&tx={{transaction_id}}"
)


def new_partner_id() -> str:
    return f"p-{uuid.uuid4().hex[:10]}"


def new_secret() -> str:
    return secrets.token_hex(24)


async def make_partner(
    api: httpx.AsyncClient,
    admin: dict[str, str],
    *,
    base: str | None = None,
    events: tuple[str, ...] = ALL_EVENTS,
    partner_id: str | None = None,
    secret: str | None = None,
) -> tuple[str, str]:
    partner_id = partner_id or new_partner_id()
    secret = secret or new_secret()
    urls = {e: TEMPLATE.format(base=base) for e in events} if base else {}
    answer = await api.post(
        "/api/partners/admin/partners",
        headers=admin,
        json={
            "partner_id": partner_id,
            "name": f"Partner {partner_id}",
            "secret": secret,
            "urls": urls,
        },
    )
    assert answer.status_code == 201, answer.text
    return partner_id, secret


def registered(partner_id: str | None, click_id: str | None = None, **kw: Any) -> UserRegistered:
    user_id = kw.pop("user_id", uuid.uuid4())
    return UserRegistered(
        user_id=user_id,
        email=f"{user_id.hex[:8]}@example.com",
        name="Player",
        affiliate_id=partner_id,
        click_id=click_id,
    )


def deposited(user_id: uuid.UUID, amount_minor: int, currency: str = "USD") -> DepositCompleted:
    return DepositCompleted(
        operation_id=uuid.uuid4(), user_id=user_id, amount_minor=amount_minor, currency=currency
    )


def withdrawn(user_id: uuid.UUID, amount_minor: int, currency: str = "USD") -> WithdrawalCompleted:
    return WithdrawalCompleted(
        operation_id=uuid.uuid4(), user_id=user_id, amount_minor=amount_minor, currency=currency
    )


def won(user_id: uuid.UUID, payout_minor: int, *, result: str = "won") -> BetSettled:
    return bet_settled(user_id, result, payout_minor)
