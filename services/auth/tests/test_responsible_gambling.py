"""Time-out and self-exclusion (issue 23): taken by the user, never shortened or lifted by
anyone; each one a row, an audit event and one message in the outbox."""

from __future__ import annotations

import uuid
from datetime import UTC, datetime, timedelta
from typing import Any

from auth.domain.responsible_gambling import add_months

RG = "/responsible-gambling"


def _at(value: str) -> datetime:
    return datetime.fromisoformat(value.replace("Z", "+00:00"))


async def _restrictions(api: Any, user_id: uuid.UUID) -> list[tuple[str, datetime]]:
    rows = await api.sql(
        "SELECT kind, until FROM auth.restriction WHERE user_id = :u ORDER BY id", u=user_id
    )
    return [(r[0], r[1]) for r in rows]


def test_months_are_calendar_months_clamped_to_the_month_end() -> None:
    assert add_months(datetime(2027, 1, 31, 9, 0, tzinfo=UTC), 1) == datetime(
        2027, 2, 28, 9, 0, tzinfo=UTC
    )
    assert add_months(datetime(2027, 8, 15, tzinfo=UTC), 6) == datetime(2028, 2, 15, tzinfo=UTC)
    assert add_months(datetime(2027, 12, 7, tzinfo=UTC), 60) == datetime(2032, 12, 7, tzinfo=UTC)


async def test_a_time_out_is_a_row_an_audit_event_and_one_message(api: Any) -> None:
    user = await api.new_user(verified=False)  # a verified email is not needed
    before = datetime.now(UTC)
    answer = await api.post(f"{RG}/time-out", {"days": 7}, headers=user.auth)
    after = datetime.now(UTC)
    assert answer.status_code == 201, answer.text
    current = answer.json()["restriction"]
    until = _at(current["until"])
    assert current["kind"] == "time_out"
    assert before + timedelta(days=7) <= until <= after + timedelta(days=7)
    assert [(h["kind"], _at(h["until"])) for h in answer.json()["history"]] == [("time_out", until)]

    assert await _restrictions(api, user.user_id) == [("time_out", until)]
    [message] = await api.outbox_for("UserTimedOut", user_id=str(user.user_id))
    assert _at(message["until"]) == until
    assert "time_out_taken" in await api.audit_actions(user.user_id)

    shown = await api.get(RG, headers=user.auth)
    assert shown.status_code == 200
    assert shown.json() == answer.json()
    # Sign-in keeps working while restricted: the user must be able to withdraw.
    await api.signed_in(user.email)


async def test_no_restriction_reads_as_none(api: Any) -> None:
    user = await api.new_user()
    shown = await api.get(RG, headers=user.auth)
    assert shown.json() == {"restriction": None, "history": []}
    assert (await api.get(RG)).status_code == 401


async def test_out_of_bounds_requests_are_422_and_take_nothing(api: Any) -> None:
    user = await api.new_user()
    for path, body in (
        ("time-out", {"days": 0}),
        ("time-out", {"days": 43}),
        ("time-out", {"days": "a week"}),
        ("time-out", {}),
        ("self-exclusion", {"months": 5}),
        ("self-exclusion", {"months": 61}),
        ("self-exclusion", {"months": 12, "user_id": str(uuid.uuid4())}),
    ):
        answer = await api.post(f"{RG}/{path}", body, headers=user.auth)
        assert answer.status_code == 422, (path, body, answer.text)
    assert await _restrictions(api, user.user_id) == []
    assert await api.outbox_for("UserTimedOut", user_id=str(user.user_id)) == []
    assert await api.outbox_for("UserSelfExcluded", user_id=str(user.user_id)) == []


async def test_the_bounds_themselves_are_taken(api: Any) -> None:
    user = await api.new_user()
    for path, body in (
        ("time-out", {"days": 1}),
        ("time-out", {"days": 42}),
        ("self-exclusion", {"months": 6}),
        ("self-exclusion", {"months": 60}),
    ):
        answer = await api.post(f"{RG}/{path}", body, headers=user.auth)
        assert answer.status_code == 201, (path, body, answer.text)
    assert [k for k, _ in await _restrictions(api, user.user_id)] == [
        "time_out",
        "time_out",
        "self_exclusion",
        "self_exclusion",
    ]


async def test_nothing_shortens_a_restriction_in_force(api: Any) -> None:
    user = await api.new_user()
    excluded = await api.post(f"{RG}/self-exclusion", {"months": 12}, headers=user.auth)
    assert excluded.status_code == 201, excluded.text
    until = _at(excluded.json()["restriction"]["until"])

    for path, body in (("time-out", {"days": 42}), ("self-exclusion", {"months": 6})):
        refused = await api.post(f"{RG}/{path}", body, headers=user.auth)
        assert refused.status_code == 409, refused.text
        error = refused.json()["error"]
        assert error["code"] == "auth.restriction_shorter"
        assert (error["details"]["kind"], _at(error["details"]["until"])) == (
            "self_exclusion",
            until,
        )
    # Longer is taken: the self-exclusion is extended.
    longer = await api.post(f"{RG}/self-exclusion", {"months": 24}, headers=user.auth)
    assert longer.status_code == 201, longer.text
    assert _at(longer.json()["restriction"]["until"]) > until

    assert len(await _restrictions(api, user.user_id)) == 2
    assert await api.outbox_for("UserTimedOut", user_id=str(user.user_id)) == []
    assert len(await api.outbox_for("UserSelfExcluded", user_id=str(user.user_id))) == 2
    assert len(longer.json()["history"]) == 2


async def test_a_time_out_after_one_has_ended_is_taken(api: Any) -> None:
    user = await api.new_user()
    assert (await api.post(f"{RG}/time-out", {"days": 30}, headers=user.auth)).status_code == 201
    await api.sql(
        "UPDATE auth.restriction SET until = now() - interval '1 minute' WHERE user_id = :u",
        u=user.user_id,
    )
    assert (await api.get(RG, headers=user.auth)).json()["restriction"] is None
    again = await api.post(f"{RG}/time-out", {"days": 1}, headers=user.auth)
    assert again.status_code == 201, again.text
    assert again.json()["restriction"]["kind"] == "time_out"


async def test_an_idempotency_key_retry_takes_it_once(api: Any) -> None:
    user = await api.new_user()
    headers = {**user.auth, "Idempotency-Key": f"rg-{uuid.uuid4()}"}
    first = await api.post(f"{RG}/time-out", {"days": 3}, headers=headers)
    assert first.status_code == 201, first.text
    retry = await api.post(f"{RG}/time-out", {"days": 3}, headers=headers)
    assert retry.status_code == 201
    assert retry.headers["Idempotent-Replayed"] == "true"
    assert retry.json() == first.json()
    assert len(await _restrictions(api, user.user_id)) == 1
    assert len(await api.outbox_for("UserTimedOut", user_id=str(user.user_id))) == 1
    assert (await api.audit_actions(user.user_id)).count("time_out_taken") == 1

    other_body = await api.post(f"{RG}/time-out", {"days": 4}, headers=headers)
    assert other_body.status_code == 422
    assert other_body.json()["error"]["code"] == "idempotency.mismatch"
    # A refusal is the key's answer too, replayed as it was.
    refused_key = {**user.auth, "Idempotency-Key": f"rg-{uuid.uuid4()}"}
    refused = await api.post(f"{RG}/time-out", {"days": 1}, headers=refused_key)
    assert refused.status_code == 409
    replayed = await api.post(f"{RG}/time-out", {"days": 1}, headers=refused_key)
    assert (replayed.status_code, replayed.json()) == (409, refused.json())
    assert len(await _restrictions(api, user.user_id)) == 1


async def test_an_admin_sees_a_users_restrictions(api: Any) -> None:
    admin = await api.admin()
    user = await api.new_user()
    await api.post(f"{RG}/time-out", {"days": 2}, headers=user.auth)
    taken = await api.post(f"{RG}/self-exclusion", {"months": 6}, headers=user.auth)
    seen = await api.get(f"/admin/users/{user.user_id}/responsible-gambling", headers=admin.auth)
    assert seen.status_code == 200, seen.text
    assert seen.json() == taken.json()
    assert [h["kind"] for h in seen.json()["history"]] == ["self_exclusion", "time_out"]

    nobody = await api.get(f"/admin/users/{uuid.uuid4()}/responsible-gambling", headers=admin.auth)
    assert nobody.status_code == 404
    assert nobody.json()["error"]["code"] == "auth.user_not_found"


async def test_a_bettor_on_the_admin_route_is_403(api: Any) -> None:
    user = await api.new_user()
    other = await api.new_user()
    answer = await api.get(f"/admin/users/{other.user_id}/responsible-gambling", headers=user.auth)
    assert answer.status_code == 403
    assert answer.json()["error"]["code"] == "auth.admin_required"


async def test_an_admin_cannot_lift_or_shorten_a_self_exclusion(api: Any) -> None:
    admin = await api.admin()
    user = await api.new_user()
    taken = await api.post(f"{RG}/self-exclusion", {"months": 6}, headers=user.auth)
    assert taken.status_code == 201
    path = f"/admin/users/{user.user_id}/responsible-gambling"
    # No admin route changes it...
    for method in ("POST", "PUT", "PATCH", "DELETE"):
        answer = await api.client.request(method, f"/api/auth{path}", headers=admin.auth)
        assert answer.status_code == 405, (method, answer.text)
    # ...and the user routes act on the caller's own account only: naming the user is refused.
    for route, body in (
        ("time-out", {"days": 1, "user_id": str(user.user_id)}),
        ("self-exclusion", {"months": 6, "user_id": str(user.user_id)}),
    ):
        answer = await api.post(f"{RG}/{route}", body, headers=admin.auth)
        assert answer.status_code == 422, answer.text
    seen = await api.get(path, headers=admin.auth)
    assert seen.json()["restriction"] == taken.json()["restriction"]
    assert len(await _restrictions(api, user.user_id)) == 1
