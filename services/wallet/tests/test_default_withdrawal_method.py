"""A default withdrawal method (issue 25, item 8; seed 001's ``is_default``) over HTTP: the
first verified method becomes the default, the user may choose another verified one, deleting
the default leaves none, and a withdrawal naming no method goes to the default (422 without)."""

from __future__ import annotations

import uuid
from typing import Any

from services.wallet.tests.support.ledger import WITHDRAW, Api, WalletDb, add_method, make_wallet

METHODS = "/api/wallet/withdrawal-methods"


async def defaults(api: Api, user: uuid.UUID) -> list[str]:
    listed = await api.get(METHODS, user)
    assert listed.status_code == 200, listed.text
    return [m["method_id"] for m in listed.json()["methods"] if m["is_default"]]


async def withdraw(api: Api, user: uuid.UUID, **body: Any) -> Any:
    return await api.post(WITHDRAW, user, {"amount": "100.00", **body}, key=str(uuid.uuid4()))


async def test_the_first_verified_method_becomes_the_default(api: Api, wallet_db: WalletDb) -> None:
    user = await make_wallet(wallet_db, balance_minor=50_000)
    unverified = await add_method(api, user, verify=False)
    assert await defaults(api, user) == []  # an unverified method is never the default
    first = await add_method(api, user)
    second = await add_method(api, user)
    assert await defaults(api, user) == [first]
    assert unverified != second


async def test_a_withdrawal_naming_no_method_goes_to_the_default(
    api: Api, wallet_db: WalletDb
) -> None:
    user = await make_wallet(wallet_db, balance_minor=50_000)
    first = await add_method(api, user)
    second = await add_method(api, user)
    made = await api.post(f"{METHODS}/{second}/default", user)
    assert made.status_code == 200, made.text
    assert [m["method_id"] for m in made.json()["methods"] if m["is_default"]] == [second]
    assert await defaults(api, user) == [second]
    requested = await withdraw(api, user)
    assert requested.status_code == 201, requested.text
    assert requested.json()["withdrawal"]["withdrawal_method_id"] == second
    assert requested.json()["new_balance"] == "400.00"
    named = await withdraw(api, user, withdrawal_method_id=first)  # naming one still wins
    assert named.json()["withdrawal"]["withdrawal_method_id"] == first


async def test_deleting_the_default_leaves_none_and_a_withdrawal_without_method_is_a_422(
    api: Api, wallet_db: WalletDb
) -> None:
    user = await make_wallet(wallet_db, balance_minor=50_000)
    first = await add_method(api, user)
    await add_method(api, user)
    deleted = await api.delete(f"{METHODS}/{first}", user)
    assert deleted.status_code == 200, deleted.text
    assert await defaults(api, user) == []
    refused = await withdraw(api, user)
    assert refused.status_code == 422, refused.text
    assert refused.json()["error"]["code"] == "wallet.no_default_withdrawal_method"
    assert (await wallet_db.balances(user))[0] == 50_000  # nothing moved


async def test_a_user_without_any_method_gets_the_same_422(api: Api, wallet_db: WalletDb) -> None:
    user = await make_wallet(wallet_db, balance_minor=50_000)
    refused = await withdraw(api, user)
    assert refused.status_code == 422, refused.text
    assert refused.json()["error"]["code"] == "wallet.no_default_withdrawal_method"


async def test_only_the_users_own_verified_method_can_be_the_default(
    api: Api, wallet_db: WalletDb
) -> None:
    user, other = await make_wallet(wallet_db), await make_wallet(wallet_db)
    mine = await add_method(api, user)
    pending = await add_method(api, user, verify=False)
    theirs = await add_method(api, other)
    unverified = await api.post(f"{METHODS}/{pending}/default", user)
    assert unverified.status_code == 422, unverified.text
    assert unverified.json()["error"]["code"] == "wallet.withdrawal_method_unverified"
    foreign = await api.post(f"{METHODS}/{theirs}/default", user)
    assert foreign.status_code == 404, foreign.text
    assert foreign.json()["error"]["code"] == "wallet.withdrawal_method_not_found"
    unknown = await api.post(f"{METHODS}/{uuid.uuid4()}/default", user)
    assert unknown.status_code == 404
    assert await defaults(api, user) == [mine]
    assert await defaults(api, other) == [theirs]
