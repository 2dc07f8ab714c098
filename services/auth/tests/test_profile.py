"""PUT /user: name, Telegram id, and avatars checked by content, re-encoded, metadata gone."""

from __future__ import annotations

import io
from typing import Any

from PIL import Image


def _image(fmt: str, size: tuple[int, int] = (900, 600), *, exif: bool = False) -> bytes:
    image = Image.new("RGB", size, (200, 30, 30))
    out = io.BytesIO()
    kwargs: dict[str, Any] = {}
    if exif:
        data = Image.Exif()
        data[0x010F] = "SpyCam Inc."  # Make
        data[0x0131] = "secret-editor 1.0"  # Software
        kwargs["exif"] = data.tobytes()
    image.save(out, format=fmt, **kwargs)
    return out.getvalue()


async def test_update_name_and_telegram_id_with_json(api: Any) -> None:
    signed = await api.new_user()
    response = await api.put(
        "/user", json={"name": "  Ivan Petrov ", "telegram_id": 123456789}, headers=signed.auth
    )
    assert response.status_code == 200, response.text
    assert response.json()["user"]["name"] == "Ivan Petrov"
    assert response.json()["user"]["telegram_id"] == 123456789

    other = await api.new_user()
    taken = await api.put("/user", json={"telegram_id": 123456789}, headers=other.auth)
    assert taken.status_code == 409
    assert taken.json()["error"]["code"] == "auth.telegram_id_taken"

    cleared = await api.put("/user", json={"telegram_id": None}, headers=signed.auth)
    assert cleared.json()["user"]["telegram_id"] is None
    assert cleared.json()["user"]["name"] == "Ivan Petrov"
    invalid = await api.put("/user", json={"name": ""}, headers=signed.auth)
    assert invalid.status_code == 422
    assert (await api.put("/user", json={"name": "X"})).status_code == 401
    assert "profile_updated" in await api.audit_actions(signed.user_id)


async def test_avatar_upload_is_reencoded_without_metadata(api: Any) -> None:
    signed = await api.new_user()
    for fmt in ("JPEG", "PNG", "WEBP"):
        upload = _image(fmt, exif=fmt == "JPEG")
        if fmt == "JPEG":
            assert b"SpyCam" in upload
        response = await api.put(
            "/user",
            data={"name": f"With {fmt}"},
            files={"avatar": ("photo.bin", upload, "application/octet-stream")},
            headers=signed.auth,
        )
        assert response.status_code == 200, (fmt, response.text)
        user = response.json()["user"]
        assert user["name"] == f"With {fmt}"
        url = user["avatar_url"]
        assert url.startswith("/api/auth/avatars/")
        assert url.endswith(".webp")

        stored = await api.client.get(url)
        assert stored.status_code == 200
        assert stored.headers["content-type"] == "image/webp"
        assert b"SpyCam" not in stored.content
        assert b"secret-editor" not in stored.content
        with Image.open(io.BytesIO(stored.content)) as image:
            assert image.format == "WEBP"
            assert max(image.size) == 512  # shrunk to fit
            assert not image.getexif()


async def test_avatar_is_judged_by_content_and_size(api: Any) -> None:
    signed = await api.new_user()
    fake = await api.put(
        "/user",
        files={"avatar": ("cat.png", b"<?php system($_GET['c']); ?>", "image/png")},
        headers=signed.auth,
    )
    assert fake.status_code == 422
    assert fake.json()["error"]["code"] == "auth.avatar_invalid"

    gif = io.BytesIO()
    Image.new("RGB", (10, 10)).save(gif, format="GIF")
    response = await api.put(
        "/user", files={"avatar": ("a.gif", gif.getvalue(), "image/gif")}, headers=signed.auth
    )
    assert response.status_code == 422

    truncated = _image("PNG")[:200]
    response = await api.put(
        "/user", files={"avatar": ("a.png", truncated, "image/png")}, headers=signed.auth
    )
    assert response.status_code == 422

    huge = b"\x89PNG\r\n\x1a\n" + b"\0" * (2 * 1024 * 1024)
    response = await api.put(
        "/user", files={"avatar": ("big.png", huge, "image/png")}, headers=signed.auth
    )
    assert response.status_code == 413
    assert response.json()["error"]["code"] == "auth.avatar_too_large"

    # A decompression bomb: tiny file, enormous canvas.
    bomb = io.BytesIO()
    Image.new("1", (20000, 20000)).save(bomb, format="PNG")
    assert len(bomb.getvalue()) < 2 * 1024 * 1024
    response = await api.put(
        "/user", files={"avatar": ("bomb.png", bomb.getvalue(), "image/png")}, headers=signed.auth
    )
    assert response.status_code == 422

    session = await api.get("/session", headers=signed.auth)
    assert session.json()["user"]["avatar_url"] is None
    missing = await api.client.get(f"/api/auth/avatars/{signed.user_id}/{'0' * 32}.webp")
    assert missing.status_code == 404
    traversal = await api.client.get("/api/auth/avatars/..%2F..%2Fetc/passwd")
    assert traversal.status_code == 404


async def test_preferences_are_kept_on_the_account_and_merged(api: Any) -> None:
    signed = await api.new_user()
    assert signed.body["user"]["preferences"] == {}
    first = await api.put(
        "/user", json={"preferences": {"language": "ru", "theme": "dark"}}, headers=signed.auth
    )
    assert first.status_code == 200, first.text
    assert first.json()["user"]["preferences"] == {"language": "ru", "theme": "dark"}
    # Merged into the stored ones: a change of one key keeps the others.
    second = await api.put(
        "/user", json={"preferences": {"odds_format": "american"}}, headers=signed.auth
    )
    assert second.json()["user"]["preferences"] == {
        "language": "ru",
        "theme": "dark",
        "odds_format": "american",
    }
    # Carried by every answer with a user: the session, and the next sign-in.
    session = await api.get("/session", headers=signed.auth)
    assert session.json()["user"]["preferences"]["odds_format"] == "american"
    again = await api.sign_in(signed.email)
    assert again.json()["user"]["preferences"]["language"] == "ru"
    [row] = await api.sql("SELECT preferences FROM auth.user WHERE id = :id", id=signed.user_id)
    assert row.preferences == {"language": "ru", "theme": "dark", "odds_format": "american"}
    # Name alone leaves them as they are.
    named = await api.put("/user", json={"name": "Pref Person"}, headers=signed.auth)
    assert named.json()["user"]["preferences"]["theme"] == "dark"


async def test_unknown_preferences_are_refused_field_by_field(api: Any) -> None:
    signed = await api.new_user()
    for bad in (
        {"language": "de"},
        {"theme": "blue"},
        {"odds_format": "hongkong"},
        {"font": "large"},
        {"language": None},
    ):
        response = await api.put("/user", json={"preferences": bad}, headers=signed.auth)
        assert response.status_code == 422, (bad, response.text)
        error = response.json()["error"]
        assert error["code"] == "validation_error"
        assert error["details"][0]["loc"][0] == "preferences", error
    not_object = await api.put("/user", json={"preferences": "dark"}, headers=signed.auth)
    assert not_object.status_code == 422
    session = await api.get("/session", headers=signed.auth)
    assert session.json()["user"]["preferences"] == {}


async def test_a_change_of_language_is_announced_once_with_the_change(api: Any) -> None:
    signed = await api.new_user()
    uid = str(signed.user_id)
    assert await api.outbox_for("LanguageChanged", user_id=uid) == []
    first = await api.put("/user", json={"preferences": {"language": "ru"}}, headers=signed.auth)
    assert first.status_code == 200, first.text
    assert await api.outbox_for("LanguageChanged", user_id=uid) == [
        {"user_id": uid, "language": "ru"}
    ]
    # The same language again, or another preference alone: no new message.
    same = await api.put(
        "/user", json={"preferences": {"language": "ru", "theme": "dark"}}, headers=signed.auth
    )
    assert same.status_code == 200, same.text
    await api.put("/user", json={"name": "Lang Person"}, headers=signed.auth)
    assert len(await api.outbox_for("LanguageChanged", user_id=uid)) == 1
    # Back to English: one more, in order.
    back = await api.put("/user", json={"preferences": {"language": "en"}}, headers=signed.auth)
    assert back.status_code == 200, back.text
    assert await api.outbox_for("LanguageChanged", user_id=uid) == [
        {"user_id": uid, "language": "ru"},
        {"user_id": uid, "language": "en"},
    ]
    # A refused change announces nothing.
    bad = await api.put(
        "/user", json={"preferences": {"language": "ru", "theme": "blue"}}, headers=signed.auth
    )
    assert bad.status_code == 422
    assert len(await api.outbox_for("LanguageChanged", user_id=uid)) == 2


async def test_reality_check_minutes_is_a_preference_off_by_default(api: Any) -> None:
    signed = await api.new_user()
    assert "reality_check_minutes" not in signed.body["user"]["preferences"]  # off
    for minutes in (10, 45, 240):
        response = await api.put(
            "/user", json={"preferences": {"reality_check_minutes": minutes}}, headers=signed.auth
        )
        assert response.status_code == 200, response.text
        assert response.json()["user"]["preferences"]["reality_check_minutes"] == minutes
    # Merged like the others, and carried by the session's answer.
    themed = await api.put("/user", json={"preferences": {"theme": "dark"}}, headers=signed.auth)
    assert themed.json()["user"]["preferences"] == {"reality_check_minutes": 240, "theme": "dark"}
    session = await api.get("/session", headers=signed.auth)
    assert session.json()["user"]["preferences"]["reality_check_minutes"] == 240
    [row] = await api.sql("SELECT preferences FROM auth.user WHERE id = :id", id=signed.user_id)
    assert row.preferences == {"reality_check_minutes": 240, "theme": "dark"}
    # Null turns it off (and is kept as off).
    off = await api.put(
        "/user", json={"preferences": {"reality_check_minutes": None}}, headers=signed.auth
    )
    assert off.status_code == 200, off.text
    assert off.json()["user"]["preferences"] == {"reality_check_minutes": None, "theme": "dark"}
    # Out of range, or not a whole number: 422 in the one error shape, nothing stored.
    for bad in (9, 241, 0, -30, 30.5, "30", True):
        response = await api.put(
            "/user", json={"preferences": {"reality_check_minutes": bad}}, headers=signed.auth
        )
        assert response.status_code == 422, (bad, response.text)
        error = response.json()["error"]
        assert error["code"] == "validation_error"
        assert error["details"][0]["loc"] == ["preferences", "reality_check_minutes"], error
    session = await api.get("/session", headers=signed.auth)
    assert session.json()["user"]["preferences"]["reality_check_minutes"] is None
