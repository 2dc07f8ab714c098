"""User administration: who may call it, search, block/unblock, roles, the first admin."""

from __future__ import annotations

import uuid
from typing import Any

from auth.domain.audit import RequestOrigin
from auth.service_layer.accounts import ensure_admin

PASSWORD = "correct-horse-battery-9"


async def test_admin_endpoints_refuse_no_token_and_user_tokens(api: Any) -> None:
    user = await api.new_user()
    target = uuid.uuid4()
    calls = [
        ("GET", "/admin/users", None),
        ("GET", f"/admin/users/{target}", None),
        ("POST", f"/admin/users/{target}/block", {"reason": "x"}),
        ("POST", f"/admin/users/{target}/unblock", None),
        ("PUT", f"/admin/users/{target}/role", {"role": "admin"}),
        ("GET", f"/admin/users/{target}/audit", None),
    ]
    for method, path, body in calls:
        anonymous = await api.client.request(method, f"/api/auth{path}", json=body)
        assert anonymous.status_code == 401, (method, path, anonymous.text)
        as_user = await api.client.request(method, f"/api/auth{path}", json=body, headers=user.auth)
        assert as_user.status_code == 403, (method, path, as_user.text)
        assert as_user.json()["error"]["code"] == "auth.admin_required"


async def test_first_admin_from_settings_lists_and_searches_users(api: Any) -> None:
    admin = await api.admin()
    assert admin.body["user"]["role"] == "admin"
    assert admin.body["user"]["is_verified"] is True
    marker = uuid.uuid4().hex[:8]
    await api.sign_up(f"findme-{marker}@example.com", name=f"Needle {marker}")
    response = await api.get("/admin/users", params={"q": marker}, headers=admin.auth)
    assert response.status_code == 200, response.text
    body = response.json()
    assert body["total"] == 1
    assert body["users"][0]["email"] == f"findme-{marker}@example.com"
    response = await api.get(
        "/admin/users", params={"role": "admin", "page_size": 5}, headers=admin.auth
    )
    assert all(u["role"] == "admin" for u in response.json()["users"])
    # Search input is data, not a pattern.
    response = await api.get("/admin/users", params={"q": "%_"}, headers=admin.auth)
    assert response.json()["total"] == 0


async def test_block_ends_sessions_emits_and_unblock_restores(api: Any) -> None:
    admin = await api.admin()
    user = await api.new_user()
    phone = await api.signed_in(user.email)
    response = await api.post(
        f"/admin/users/{user.user_id}/block", {"reason": "chargeback fraud"}, headers=admin.auth
    )
    assert response.status_code == 200, response.text
    assert response.json()["user"]["status"] == "blocked"
    for session in (user, phone):
        assert await api.runtime.revocations.is_revoked(session.session_id)
        assert (await api.get("/session", headers=session.auth)).status_code == 401
        assert (
            await api.post("/refresh", {"refresh_token": session.refresh_token})
        ).status_code == 401
    assert await api.outbox_for("UserBlocked", user_id=str(user.user_id)) == [
        {"user_id": str(user.user_id), "reason": "chargeback fraud"}
    ]
    assert len(await api.outbox_for("SessionRevoked", user_id=str(user.user_id))) == 2
    assert (await api.sign_in(user.email, PASSWORD, expect=403)).json()["error"][
        "code"
    ] == "auth.user_blocked"

    details = await api.get(f"/admin/users/{user.user_id}", headers=admin.auth)
    assert details.json()["user"]["blocked_reason"] == "chargeback fraud"
    assert details.json()["user"]["active_sessions"] == 0

    response = await api.post(f"/admin/users/{user.user_id}/unblock", headers=admin.auth)
    assert response.json()["user"]["status"] == "active"
    await api.sign_in(user.email, PASSWORD)

    trail = await api.get(f"/admin/users/{user.user_id}/audit", headers=admin.auth)
    actions = [e["action"] for e in trail.json()["events"]]
    assert {"user_blocked", "user_unblocked"} <= set(actions)
    blocked = next(e for e in trail.json()["events"] if e["action"] == "user_blocked")
    assert blocked["details"]["actor_id"] == str(admin.user_id)


async def test_role_change_emits_and_a_demotion_ends_sessions(api: Any) -> None:
    admin = await api.admin()
    user = await api.new_user()
    response = await api.put(
        f"/admin/users/{user.user_id}/role", json={"role": "admin"}, headers=admin.auth
    )
    assert response.status_code == 200, response.text
    assert response.json()["user"]["role"] == "admin"
    assert await api.outbox_for(
        "UserRoleChanged", user_id=str(user.user_id), old_role="user", new_role="admin"
    )
    # The promotion shows in the next token (refresh reads the role from the database).
    refreshed = await api.post("/refresh", {"refresh_token": user.refresh_token})
    new_token = refreshed.json()["access_token"]
    listing = await api.get("/admin/users", headers={"Authorization": f"Bearer {new_token}"})
    assert listing.status_code == 200

    response = await api.put(
        f"/admin/users/{user.user_id}/role", json={"role": "user"}, headers=admin.auth
    )
    assert response.json()["user"]["role"] == "user"
    listing = await api.get("/admin/users", headers={"Authorization": f"Bearer {new_token}"})
    assert listing.status_code == 401  # the admin session died with the role
    assert "role_changed" in await api.audit_actions(user.user_id)

    self_change = await api.put(
        f"/admin/users/{admin.user_id}/role", json={"role": "user"}, headers=admin.auth
    )
    assert self_change.status_code == 409
    assert self_change.json()["error"]["code"] == "auth.admin_self_change"
    missing = await api.post(f"/admin/users/{uuid.uuid4()}/unblock", headers=admin.auth)
    assert missing.status_code == 404


async def test_ensure_admin_is_idempotent_and_promotes(api: Any) -> None:
    origin = RequestOrigin(user_agent="test")
    email = api.new_email("ops")
    first = await ensure_admin(
        api.services, email=email, password="ops-admin-passphrase-1", origin=origin
    )
    assert first.outcome == "created"
    assert first.user.role.value == "admin"
    assert first.user.is_verified
    again = await ensure_admin(
        api.services, email=email.upper(), password="ops-admin-passphrase-1", origin=origin
    )
    assert (again.user.id, again.outcome) == (first.user.id, "unchanged")

    # An existing account is promoted with its own password (test_security_admin.py: the rest).
    plain = await api.new_user()
    promoted = await ensure_admin(api.services, email=plain.email, password=PASSWORD, origin=origin)
    assert (promoted.user.id, promoted.user.role.value) == (plain.user_id, "admin")
    assert promoted.outcome == "promoted"
