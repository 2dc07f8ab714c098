"""A revocation that could not reach Redis is retried, not lost (issue #20, 9).

Ending a session writes the Redis deny-list right after the commit. If Redis refuses at that
moment, the session is over in the database but its access tokens would keep passing every
verifier (the gateway and the services only read the deny-list) until they expire. Reproduced
with a real failure: an auth process pointed at a port where nothing listens, then one whose
Redis answers again.
"""

from __future__ import annotations

import socket
import uuid
from datetime import UTC, datetime, timedelta
from typing import Any

import pytest
from redis.exceptions import RedisError

from auth.bootstrap import Wiring, wire
from auth.domain.audit import RequestOrigin
from auth.service_layer.sessions import sign_out
from auth.settings import Settings
from common.auth.revocation import RevocationList
from common.auth.tokens import SessionRevoked

ORIGIN = RequestOrigin(user_agent="test-security-revocation")


def _refusing_redis_url() -> str:
    """A local port nothing listens on: every connection is refused."""
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    return f"redis://127.0.0.1:{port}/0"


async def _run_background_jobs(process: Wiring) -> None:
    """One round of every periodic job the auth process runs (what its leader would do)."""
    engine = process.runtime.engine
    assert engine is not None
    for job in process.runtime.periodic:
        await job.job(engine)


async def test_a_revocation_redis_refused_is_written_once_redis_is_back(
    api: Any, auth_settings: Settings
) -> None:
    owner = await api.new_user()
    older = await api.signed_in(owner.email)
    principal = await api.runtime.token_verifier.verify(owner.access_token)
    older_principal = await api.runtime.token_verifier.verify(older.access_token)
    # A deny-list of this test's own: the app under test runs the same job on its prefix.
    prefix = f"{auth_settings.redis_prefix}revocation-{uuid.uuid4().hex[:8]}:"
    deny_list = RevocationList(api.runtime.redis, prefix=prefix)

    down = wire(
        auth_settings.model_copy(
            update={"redis_url": _refusing_redis_url(), "redis_prefix": prefix}
        )
    )
    try:
        await sign_out(down.services, older_principal, origin=ORIGIN)
        await sign_out(down.services, principal, origin=ORIGIN)
        # The sessions are over in the database, but the deny-list never heard of them.
        rows = await api.sql(
            "SELECT count(*) FROM auth.session WHERE user_id = :u AND revoked_at IS NOT NULL",
            u=owner.user_id,
        )
        assert rows == [(2,)]
        assert not await deny_list.is_revoked(owner.session_id)
        # While Redis is still away the job fails too; its runner tries again next interval.
        with pytest.raises(RedisError):
            await _run_background_jobs(down)
    finally:
        await down.runtime.stop()

    # The older session was revoked longer ago than an access token lives: nothing to deny.
    long_ago = datetime.now(UTC) - timedelta(hours=2)
    await api.sql(
        "UPDATE auth.session SET revoked_at = :at WHERE id = :s", at=long_ago, s=older.session_id
    )

    up = wire(auth_settings.model_copy(update={"redis_prefix": prefix}))
    try:
        await _run_background_jobs(up)
        assert await deny_list.is_revoked(owner.session_id)
        assert not await deny_list.is_revoked(older.session_id)
        verifier = up.runtime.token_verifier
        assert verifier is not None
        with pytest.raises(SessionRevoked):
            await verifier.verify(owner.access_token)
        # The entry lives as long as the token could, plus the verifiers' leeway.
        ttl_ms = await api.runtime.redis.pttl(deny_list.key(owner.session_id))
        settings = up.services.settings
        assert 0 < ttl_ms <= (settings.access_ttl_s + settings.jwt_leeway_s) * 1000
    finally:
        await up.runtime.stop()


async def test_the_resend_runs_often_and_on_one_replica(auth_settings: Settings) -> None:
    process = wire(auth_settings.model_copy(update={"deny_list_resend_interval_s": 2.0}))
    try:
        jobs = {job.name: job for job in process.runtime.periodic}
        assert jobs["auth.deny-list-resend"].interval_s == 2.0
    finally:
        await process.runtime.stop()
