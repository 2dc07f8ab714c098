"""/api/notifications over HTTP: the user's preferences, Telegram chat and history (their own
only), the admin's deliveries, stats and retry; 401/403/404/409/422 in the one error shape."""

from __future__ import annotations

import uuid
from typing import Any

import asyncpg
import httpx
from services.notifications.tests.builders import deliveries, eventually
from services.notifications.tests.conftest import MakeUser, Publish

from common.contracts.wallet import DepositCompleted, WithdrawalRequested
from common.testing.tokens import TokenIssuer
from devtools.telegram_api import TelegramApi

KINDS = ["deposit", "withdrawal", "bet_won", "subscription", "package", "responsible_gambling"]
PREFERENCES = "/api/notifications/preferences"


def assert_error(answer: httpx.Response, status: int, code: str) -> dict[str, Any]:
    assert answer.status_code == status, answer.text
    body = answer.json()
    assert set(body) == {"error"}, body
    assert set(body["error"]) == {"code", "message", "details"}, body
    assert body["error"]["code"] == code, body
    error: dict[str, Any] = body["error"]
    return error


def all_on() -> list[dict[str, Any]]:
    return [{"kind": kind, "email": True, "telegram": True} for kind in KINDS]


async def test_preferences_are_all_on_by_default_for_every_kind_in_order(
    api: httpx.AsyncClient, make_user: MakeUser
) -> None:
    user = await make_user(language="ru")
    answer = await api.get(PREFERENCES, headers=user.headers)
    assert answer.status_code == 200, answer.text
    assert answer.json() == {
        "email": user.email,
        "language": "ru",
        "telegram_chat_id": None,
        "kinds": all_on(),
    }


async def test_a_user_not_yet_seen_on_the_bus_gets_the_defaults(
    api: httpx.AsyncClient, token_issuer: TokenIssuer
) -> None:
    headers = {"Authorization": f"Bearer {token_issuer.issue(user_id=uuid.uuid4())}"}
    answer = await api.get(PREFERENCES, headers=headers)
    assert answer.json() == {
        "email": None,
        "language": "en",
        "telegram_chat_id": None,
        "kinds": all_on(),
    }


async def test_a_partial_change_changes_only_the_kinds_listed(
    api: httpx.AsyncClient, make_user: MakeUser
) -> None:
    user = await make_user()
    change = {
        "kinds": [
            {"kind": "bet_won", "email": False, "telegram": True},
            {"kind": "package", "email": True, "telegram": False},
        ]
    }
    answer = await api.put(PREFERENCES, json=change, headers=user.headers)
    assert answer.status_code == 200, answer.text
    expected = all_on()
    expected[2]["email"] = False
    expected[4]["telegram"] = False
    assert answer.json()["kinds"] == expected
    again = await api.put(
        PREFERENCES,
        json={"kinds": [{"kind": "bet_won", "email": True, "telegram": True}]},
        headers=user.headers,
    )
    expected[2]["email"] = True
    assert again.json()["kinds"] == expected
    assert (await api.get(PREFERENCES, headers=user.headers)).json()["kinds"] == expected


async def test_bad_preferences_are_422_in_the_one_error_shape(
    api: httpx.AsyncClient, make_user: MakeUser
) -> None:
    user = await make_user()
    unknown = {"kinds": [{"kind": "marketing", "email": True, "telegram": True}]}
    error = assert_error(
        await api.put(PREFERENCES, json=unknown, headers=user.headers), 422, "validation_error"
    )
    assert error["details"][0]["loc"] == ["body", "kinds", 0, "kind"]
    twice = {
        "kinds": [
            {"kind": "deposit", "email": True, "telegram": True},
            {"kind": "deposit", "email": False, "telegram": True},
        ]
    }
    assert_error(
        await api.put(PREFERENCES, json=twice, headers=user.headers), 422, "validation_error"
    )
    missing = {"kinds": [{"kind": "deposit", "email": True}]}
    assert_error(
        await api.put(PREFERENCES, json=missing, headers=user.headers), 422, "validation_error"
    )
    not_bool = {"kinds": [{"kind": "deposit", "email": "maybe", "telegram": True}]}
    assert_error(
        await api.put(PREFERENCES, json=not_bool, headers=user.headers), 422, "validation_error"
    )
    # A field the route does not know (schemathesis sent one with hostile text, answered 200).
    stray = {"kinds": [], "\u0089": {"x": "\u0000"}}
    assert_error(
        await api.put(PREFERENCES, json=stray, headers=user.headers), 422, "validation_error"
    )
    # Nothing changed.
    assert (await api.get(PREFERENCES, headers=user.headers)).json()["kinds"] == all_on()


async def test_a_telegram_chat_is_linked_validated_and_unlinked(
    api: httpx.AsyncClient, make_user: MakeUser
) -> None:
    user = await make_user()
    for bad in ["abc", "12 34", "", "1" * 33, "+123", "--1", "12\u0000"]:
        answer = await api.put(
            "/api/notifications/telegram", json={"chat_id": bad}, headers=user.headers
        )
        assert_error(answer, 422, "validation_error")
    group = "-1001234567890"
    linked = await api.put(
        "/api/notifications/telegram", json={"chat_id": group}, headers=user.headers
    )
    assert linked.status_code == 200, linked.text
    assert linked.json()["telegram_chat_id"] == group
    gone = await api.delete("/api/notifications/telegram", headers=user.headers)
    assert gone.status_code == 204
    assert gone.content == b""
    assert (await api.get(PREFERENCES, headers=user.headers)).json()["telegram_chat_id"] is None


async def test_every_user_route_needs_a_token(api: httpx.AsyncClient) -> None:
    for method, path in [
        ("GET", PREFERENCES),
        ("PUT", PREFERENCES),
        ("PUT", "/api/notifications/telegram"),
        ("DELETE", "/api/notifications/telegram"),
        ("GET", "/api/notifications/history"),
    ]:
        answer = await api.request(method, path, json={})
        assert_error(answer, 401, "auth.invalid_token")


async def test_history_is_the_users_own_newest_first_page_by_page(
    api: httpx.AsyncClient,
    make_user: MakeUser,
    publish: Publish,
    pg: asyncpg.Connection,
) -> None:
    user, other = await make_user(), await make_user()

    def operation(model: Any, user_id: uuid.UUID) -> Any:
        return model(operation_id=uuid.uuid4(), user_id=user_id, amount_minor=1000, currency="EUR")

    await publish(operation(WithdrawalRequested, user.user_id))
    await eventually(lambda: deliveries(pg, user.user_id))
    await publish(
        operation(DepositCompleted, user.user_id), operation(DepositCompleted, other.user_id)
    )

    async def both() -> bool:
        return len(await deliveries(pg, user.user_id)) == 2 and bool(
            await deliveries(pg, other.user_id)
        )

    await eventually(both)
    first = await api.get("/api/notifications/history?limit=1", headers=user.headers)
    assert first.status_code == 200, first.text
    page = first.json()
    [newest] = page["items"]
    assert newest["kind"] == "deposit"
    assert newest["channel"] == "email"
    assert newest["subject"] == "LOOSELINE: deposit of 10.00 EUR credited"
    assert newest["status"] in {"pending", "sent"}
    assert set(newest) == {"id", "kind", "channel", "subject", "status", "created_at", "sent_at"}
    assert page["next_cursor"] == newest["id"]
    second = await api.get(
        f"/api/notifications/history?limit=1&before={page['next_cursor']}", headers=user.headers
    )
    [older] = second.json()["items"]
    assert older["kind"] == "withdrawal"
    third = await api.get(
        f"/api/notifications/history?limit=1&before={older['id']}", headers=user.headers
    )
    assert third.json() == {"items": [], "next_cursor": None}
    everything = (await api.get("/api/notifications/history", headers=user.headers)).json()
    assert [i["kind"] for i in everything["items"]] == ["deposit", "withdrawal"]
    assert everything["next_cursor"] is None
    # Another user's delivery as a cursor shows nothing of theirs.
    theirs = (await api.get("/api/notifications/history", headers=other.headers)).json()
    [their_item] = theirs["items"]
    assert their_item["id"] not in {i["id"] for i in everything["items"]}
    peek = await api.get(
        f"/api/notifications/history?before={their_item['id']}", headers=user.headers
    )
    assert peek.json()["items"] == []
    bad = await api.get("/api/notifications/history?limit=0", headers=user.headers)
    assert_error(bad, 422, "validation_error")
    bad_cursor = await api.get("/api/notifications/history?before=nope", headers=user.headers)
    assert_error(bad_cursor, 422, "validation_error")


async def test_admin_routes_refuse_a_user_and_an_anonymous_caller(
    api: httpx.AsyncClient, make_user: MakeUser
) -> None:
    user = await make_user()
    routes = [
        ("GET", "/api/notifications/admin/deliveries"),
        ("GET", "/api/notifications/admin/stats"),
        ("POST", f"/api/notifications/admin/deliveries/{uuid.uuid4()}/retry"),
    ]
    for method, path in routes:
        assert_error(
            await api.request(method, path, headers=user.headers), 403, "auth.admin_required"
        )
        assert_error(await api.request(method, path), 401, "auth.invalid_token")


async def test_an_admin_sees_failures_counts_them_and_retries_one(
    api: httpx.AsyncClient,
    admin: dict[str, str],
    make_user: MakeUser,
    publish: Publish,
    telegram_api: TelegramApi,
    pg: asyncpg.Connection,
) -> None:
    user = await make_user(telegram=True)
    assert user.chat_id is not None
    telegram_api.set_chat(user.chat_id, "blocked")
    await publish(
        DepositCompleted(
            operation_id=uuid.uuid4(), user_id=user.user_id, amount_minor=777, currency="EUR"
        )
    )

    async def settled() -> list[asyncpg.Record]:
        rows = await deliveries(pg, user.user_id)
        done = {(r["channel"], r["status"]) for r in rows}
        if done != {("email", "sent"), ("telegram", "failed")}:
            return []
        return [r for r in rows if r["channel"] == "telegram"]

    [row] = await eventually(settled)
    assert row["last_error"] == "telegram_403: Forbidden: bot was blocked by the user"

    failed = await api.get(
        "/api/notifications/admin/deliveries?status=failed&channel=telegram&limit=500",
        headers=admin,
    )
    assert failed.status_code == 200, failed.text
    listed = {item["id"]: item for item in failed.json()["items"]}
    mine = listed[str(row["id"])]
    assert mine["user_id"] == str(user.user_id)
    assert mine["attempts"] == 1
    assert mine["last_error"] == row["last_error"]
    assert all(i["status"] == "failed" and i["channel"] == "telegram" for i in listed.values())

    stats = await api.get("/api/notifications/admin/stats", headers=admin)
    assert stats.status_code == 200, stats.text
    counts = {(c["status"], c["channel"]): c["count"] for c in stats.json()["counts"]}
    assert counts[("failed", "telegram")] >= 1
    assert counts[("sent", "email")] >= 1

    not_failed = next(r for r in await deliveries(pg, user.user_id) if r["channel"] == "email")
    assert_error(
        await api.post(
            f"/api/notifications/admin/deliveries/{not_failed['id']}/retry", headers=admin
        ),
        409,
        "notifications.delivery_not_failed",
    )
    assert_error(
        await api.post(f"/api/notifications/admin/deliveries/{uuid.uuid4()}/retry", headers=admin),
        404,
        "notifications.delivery_not_found",
    )

    telegram_api.set_chat(user.chat_id, "ok")  # the user unblocked the bot
    retried = await api.post(
        f"/api/notifications/admin/deliveries/{row['id']}/retry", headers=admin
    )
    assert retried.status_code == 200, retried.text
    assert retried.json()["status"] == "pending"
    assert retried.json()["attempts"] == 0
    [message] = await telegram_api.wait_for(user.chat_id, timeout_s=10)
    assert "7.77 EUR" in message.text

    async def sent() -> bool:
        rows = await deliveries(pg, user.user_id)
        return {(r["channel"], r["status"]) for r in rows} == {
            ("email", "sent"),
            ("telegram", "sent"),
        }

    await eventually(sent)
