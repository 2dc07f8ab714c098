"""No input is a 500 in the auth API (issue #20, 10): the fuzzer's block reason, and text
hygiene in bodies, the profile's hand-read JSON and the admin search."""

from __future__ import annotations

from typing import Any

from common.testing.hygiene import UNSAFE, assert_unsafe_text, raw_json


async def test_a_block_reason_with_a_nul_or_a_lone_surrogate_is_a_422_not_a_500(api: Any) -> None:
    admin = await api.admin()
    user = await api.new_user()
    url = f"/admin/users/{user.user_id}/block"
    # The fuzzer's request: {"reason": "\udb8f\ude77\u0000"} (a pair, then a NUL).
    nul = await api.post(url, **raw_json({"reason": "\udb8f\ude77\u0000"}, admin.auth))
    lone = await api.post(url, **raw_json({"reason": "fraud \udb8f"}, admin.auth))
    assert_unsafe_text(nul, ["body", "reason"])
    assert_unsafe_text(lone, ["body", "reason"])
    details = await api.get(f"/admin/users/{user.user_id}", headers=admin.auth)
    assert details.json()["user"]["status"] == "active"  # nothing was applied
    blocked = await api.post(url, {"reason": "Chargeback.\nSee ticket 12."}, headers=admin.auth)
    assert blocked.status_code == 200, blocked.text


async def test_a_name_with_control_characters_is_refused_at_sign_up(api: Any) -> None:
    body = {"email": api.new_email(), "password": "correct-horse-battery-9", "name": "Ann\x00"}
    assert_unsafe_text(await api.post("/sign-up", **raw_json(body, {})), ["body", "name"])


async def test_the_profiles_json_is_checked_like_every_body(api: Any) -> None:
    user = await api.new_user()
    answer = await api.put("/user", **raw_json({"name": "Ann \u0091x"}, user.auth))
    assert answer.status_code == 422, answer.text
    error = answer.json()["error"]
    assert error["code"] == "validation_error"
    assert error["details"][0]["type"] in UNSAFE


async def test_a_nul_in_the_admin_search_is_a_422(api: Any) -> None:
    admin = await api.admin()
    answer = await api.get("/admin/users?q=ann%00", headers=admin.auth)
    assert_unsafe_text(answer, ["query", "q"])
