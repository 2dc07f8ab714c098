"""The hourly ``auth.delete-expired`` job: sessions, emailed codes and code-attempt counters long
over (``RETENTION``) go; anything still running, or over only recently, stays."""

from __future__ import annotations

import os
from typing import Any

LONG_AGO = "now() - interval '8 days'"  # past RETENTION (7 days)


async def _delete_expired(api: Any) -> None:
    jobs = {job.name: job for job in api.runtime.periodic}
    await jobs["auth.delete-expired"].job(api.runtime.engine)


async def _counter(api: Any, window_started_at: str) -> bytes:
    subject = os.urandom(32)
    await api.sql(
        "INSERT INTO auth.code_attempt (subject, failures, window_started_at)"
        f" VALUES (:s, 1, {window_started_at})",
        s=subject,
    )
    return subject


async def test_delete_expired_drops_only_what_is_long_over(api: Any) -> None:
    owner = await api.new_user()
    ended = await api.signed_in(owner.email)
    await api.sql(
        f"UPDATE auth.session SET expires_at = {LONG_AGO} WHERE id = :id", id=ended.session_id
    )
    await api.sql(
        f"UPDATE auth.verification SET expires_at = {LONG_AGO} WHERE user_id = :u", u=owner.user_id
    )
    old, recent = await _counter(api, LONG_AGO), await _counter(api, "now()")

    await _delete_expired(api)

    sessions = await api.sql("SELECT id FROM auth.session WHERE user_id = :u", u=owner.user_id)
    assert [r.id for r in sessions] == [owner.session_id]
    assert (
        await api.sql("SELECT id FROM auth.verification WHERE user_id = :u", u=owner.user_id) == []
    )
    counters = "SELECT subject FROM auth.code_attempt WHERE subject = :s"
    assert await api.sql(counters, s=old) == []
    assert len(await api.sql(counters, s=recent)) == 1
