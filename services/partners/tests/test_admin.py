"""The admin API: who may call it, what it refuses, and that a secret never comes back."""

from __future__ import annotations

import httpx
import pytest
from services.partners.tests.builders import make_partner, new_partner_id, new_secret
from services.partners.tests.receiver import Receiver

GETS = (
    "/api/partners/admin/partners",
    "/api/partners/admin/partners/{pid}",
    "/api/partners/admin/partners/{pid}/users",
    "/api/partners/admin/postbacks/outbound",
    "/api/partners/admin/postbacks/inbound",
    "/api/partners/admin/stats",
)


async def test_admin_routes_refuse_users_and_anonymous(
    api: httpx.AsyncClient, admin: dict[str, str], user: dict[str, str]
) -> None:
    pid, _ = await make_partner(api, admin)
    for path in GETS:
        url = path.format(pid=pid)
        assert (await api.get(url, headers=user)).status_code == 403, url
        assert (await api.get(url)).status_code == 401, url
    body = {"partner_id": new_partner_id(), "name": "X", "secret": new_secret()}
    assert (
        await api.post("/api/partners/admin/partners", headers=user, json=body)
    ).status_code == 403
    patch = await api.patch(
        f"/api/partners/admin/partners/{pid}", headers=user, json={"active": False}
    )
    assert patch.status_code == 403
    test = await api.post(
        f"/api/partners/admin/partners/{pid}/test-postback", headers=user, json={"event": "win"}
    )
    assert test.status_code == 403


async def test_the_secret_never_comes_back(
    api: httpx.AsyncClient, admin: dict[str, str], receiver: Receiver
) -> None:
    secret = new_secret()
    pid, _ = await make_partner(api, admin, base=receiver.base("s"), secret=secret)
    rotated = new_secret()
    patched = await api.patch(
        f"/api/partners/admin/partners/{pid}", headers=admin, json={"secret": rotated}
    )
    assert patched.status_code == 200
    for text in [patched.text] + [
        (await api.get(path.format(pid=pid), headers=admin)).text for path in GETS
    ]:
        assert secret not in text
        assert rotated not in text
        assert '"secret"' not in text


@pytest.mark.parametrize(
    ("body", "code"),
    [
        (
            {"urls": {"deposit": "https://t.example/pb?x={amount}&y={bogus}"}},
            "partners.unknown_macro",
        ),
        ({"urls": {"deposit": "ftp://t.example/pb"}}, "partners.invalid_template"),
        ({"urls": {"deposit": "/relative?x={amount}"}}, "partners.invalid_template"),
        ({"urls": {"bonus": "https://t.example/pb"}}, "validation_error"),
        ({"secret": "too-short"}, "validation_error"),
        ({"partner_id": "Bad Slug!"}, "validation_error"),
        ({"secrets": "a typo of a field the route does not know"}, "validation_error"),
    ],
)
async def test_create_refuses_bad_input(
    api: httpx.AsyncClient, admin: dict[str, str], body: dict[str, object], code: str
) -> None:
    full = {"partner_id": new_partner_id(), "name": "P", "secret": new_secret(), **body}
    answer = await api.post("/api/partners/admin/partners", headers=admin, json=full)
    assert answer.status_code == 422, answer.text
    assert answer.json()["error"]["code"] == code


async def test_duplicate_and_unknown(api: httpx.AsyncClient, admin: dict[str, str]) -> None:
    pid, _ = await make_partner(api, admin)
    again = await api.post(
        "/api/partners/admin/partners",
        headers=admin,
        json={"partner_id": pid, "name": "P", "secret": new_secret()},
    )
    assert again.status_code == 409
    assert again.json()["error"]["code"] == "partners.partner_exists"
    missing = await api.get("/api/partners/admin/partners/nobody-here", headers=admin)
    assert missing.status_code == 404
    assert missing.json()["error"]["code"] == "partners.unknown_partner"


async def test_test_postback_is_signed_and_answers_the_partners_status(
    api: httpx.AsyncClient, admin: dict[str, str], receiver: Receiver
) -> None:
    pid, secret = await make_partner(api, admin, events=())
    receiver.secrets[pid] = secret
    await api.patch(
        f"/api/partners/admin/partners/{pid}",
        headers=admin,
        json={"urls": {"deposit": f"{receiver.base(pid)}?amt={{amount}}&e={{event}}"}},
    )
    answer = await api.post(
        f"/api/partners/admin/partners/{pid}/test-postback",
        headers=admin,
        json={"event": "deposit"},
    )
    assert answer.status_code == 200, answer.text
    got = answer.json()
    assert got["status_code"] == 200
    assert got["delivered"] is True
    assert got["latency_ms"] >= 0
    sent = receiver.of(pid)[-1]
    assert sent.signature_ok
    assert sent.query == {"amt": "12.50", "e": "deposit"}
    assert sent.headers["x-looseline-postback-id"] == got["postback_id"]

    none = await api.post(
        f"/api/partners/admin/partners/{pid}/test-postback", headers=admin, json={"event": "win"}
    )
    assert none.status_code == 422
    assert none.json()["error"]["code"] == "partners.no_template"

    # A rotated secret signs from then on (the receiver still knows the old one: refused).
    await api.patch(
        f"/api/partners/admin/partners/{pid}", headers=admin, json={"secret": new_secret()}
    )
    refused = await api.post(
        f"/api/partners/admin/partners/{pid}/test-postback",
        headers=admin,
        json={"event": "deposit"},
    )
    assert refused.json()["status_code"] == 401
    assert refused.json()["delivered"] is False


async def test_create_with_an_idempotency_key_is_applied_once(
    api: httpx.AsyncClient, admin: dict[str, str]
) -> None:
    body = {"partner_id": new_partner_id(), "name": "Once", "secret": new_secret()}
    headers = {**admin, "Idempotency-Key": "create-once-1"}
    first = await api.post("/api/partners/admin/partners", headers=headers, json=body)
    again = await api.post("/api/partners/admin/partners", headers=headers, json=body)
    assert first.status_code == again.status_code == 201
    assert again.headers.get("idempotent-replayed") == "true"
    assert again.json() == first.json()
    assert body["secret"] not in again.text
    # Without the key the same body is a second create: refused, the first stands.
    plain = await api.post("/api/partners/admin/partners", headers=admin, json=body)
    assert plain.status_code == 409
