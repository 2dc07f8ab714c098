"""Composition root of the auth service: the runtime (DB, broker, Redis, verifier) and the
services the handlers use, wired once per process."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, datetime, timedelta

import httpx
from sqlalchemy.ext.asyncio import AsyncEngine

from auth.adapters.avatars import FilesystemAvatarStorage
from auth.adapters.crypto import SecretBox
from auth.adapters.ephemeral import EphemeralStore
from auth.adapters.mail import SmtpMailer
from auth.adapters.oauth_providers import OAuthClient, ProviderConfig
from auth.adapters.password_hashing import Argon2Passwords
from auth.adapters.signing_keys import KeyRing
from auth.adapters.throttle import SignInThrottle
from auth.domain.model import OAuthProvider
from auth.domain.throttling import LockoutPolicy, RateLimit
from auth.entrypoints.worker import subscriptions
from auth.service_layer.closure import ClosureCompletion
from auth.service_layer.services import AuthServices
from auth.service_layer.unit_of_work import UnitOfWork
from auth.settings import Settings
from common.auth.revocation import RevocationList
from common.db import create_sessionmaker
from common.idempotency import IdempotencyStore
from common.runtime import PeriodicSpec, ServiceRuntime, build_runtime

# Expired sessions, codes and their refresh tokens are kept this long for support questions.
RETENTION = timedelta(days=7)


def _key_ring(settings: Settings) -> KeyRing:
    return KeyRing(
        box=SecretBox(settings.key_encryption_key),
        cache_s=settings.signing_key_cache_s,
        # A retired key verifies the last tokens it signed: their lifetime, plus how long a
        # replica may keep signing with it (its cache), plus the verifiers' leeway.
        publish_retired_for_s=settings.access_ttl_s
        + settings.signing_key_cache_s
        + settings.jwt_leeway_s,
    )


async def _delete_expired(engine: AsyncEngine) -> None:
    before = datetime.now(UTC) - RETENTION
    async with UnitOfWork(create_sessionmaker(engine)) as uow:
        await uow.sessions.delete_expired(before=before)
        for codes in (uow.verifications, uow.password_resets):
            await codes.delete_stale(before=before)
        # Code-attempt counters whose window and pause are long over (defaults: 24 h).
        await uow.code_attempts.delete_over(before=before)
        await uow.commit()


async def _purge_idempotency_keys(engine: AsyncEngine) -> None:
    await IdempotencyStore("auth").purge_expired(engine)


class DenyListResend:
    """Writes every session revoked within the last access-token lifetime to the Redis
    deny-list again (a periodic job, one runner across replicas).

    The request that ends a session writes the deny-list right after its commit; if Redis
    refused that write, the revocation would be lost and the session's access tokens would
    keep passing every verifier until they expire. The database is the record (``revoked_at``):
    this job retries the write every ``AUTH_DENY_LIST_RESEND_INTERVAL_S`` until the session's
    last token has expired. Writing twice is harmless (``RevocationList`` never shortens).
    """

    def __init__(self, settings: Settings) -> None:
        self._access_ttl = timedelta(seconds=settings.access_ttl_s)
        self._leeway = timedelta(seconds=settings.jwt_leeway_s)
        self._revocations: RevocationList | None = None

    def attach(self, revocations: RevocationList) -> None:
        self._revocations = revocations

    async def __call__(self, engine: AsyncEngine) -> None:
        assert self._revocations is not None, "attach() the deny-list first"
        now = datetime.now(UTC)
        async with UnitOfWork(create_sessionmaker(engine)) as uow:
            revoked = await uow.sessions.revoked_since(now - self._access_ttl - self._leeway)
        # Until the session's last access token dies: issued at the latest when it was
        # revoked, never valid past the session's own end (as in SessionRevoked.expires_at).
        until = {
            s.id: min(s.revoked_at + self._access_ttl, s.expires_at)
            for s in revoked
            if s.revoked_at is not None
        }
        await self._revocations.revoke_each(
            {sid: at for sid, at in until.items() if at + self._leeway > now}
        )


def build(settings: Settings, *, keys: KeyRing | None = None) -> ServiceRuntime:
    """The runtime; its token verifier reads auth's own signing-key table (no HTTP to itself)."""
    keys = keys or _key_ring(settings)
    resend = DenyListResend(settings)
    completion = ClosureCompletion(
        access_ttl_s=settings.access_ttl_s, avatars=FilesystemAvatarStorage(settings.avatar_dir)
    )
    runtime = build_runtime(
        settings,
        subscriptions=subscriptions(completion),
        periodic=[
            PeriodicSpec(name="delete-expired", interval_s=3600, job=_delete_expired),
            PeriodicSpec(name="idempotency-purge", interval_s=600, job=_purge_idempotency_keys),
            PeriodicSpec(
                name="deny-list-resend",
                interval_s=settings.deny_list_resend_interval_s,
                job=resend,
            ),
        ],
        key_source=keys,
    )
    assert runtime.revocations is not None
    resend.attach(runtime.revocations)
    completion.attach(runtime.revocations)
    assert runtime.sessionmaker is not None
    keys.attach(runtime.sessionmaker)
    return runtime


@dataclass
class Wiring:
    runtime: ServiceRuntime
    services: AuthServices
    mailer: SmtpMailer
    http: httpx.AsyncClient


def wire(settings: Settings) -> Wiring:
    keys = _key_ring(settings)
    runtime = build(settings, keys=keys)
    sessionmaker = runtime.sessionmaker
    assert sessionmaker is not None
    assert runtime.redis is not None
    assert runtime.revocations is not None
    http = httpx.AsyncClient(timeout=settings.oauth_timeout_s, follow_redirects=False)
    runtime.closers.append(http.aclose)
    mailer = SmtpMailer(
        host=settings.smtp_host,
        port=settings.smtp_port,
        sender=settings.mail_from,
        username=settings.smtp_username,
        password=settings.smtp_password,
        start_tls=settings.smtp_starttls,
        use_tls=settings.smtp_use_tls,
        timeout_s=settings.smtp_timeout_s,
    )
    oauth_configs = {
        OAuthProvider.google: ProviderConfig(
            provider=OAuthProvider.google,
            client_id=settings.google_client_id,
            client_secret=settings.google_client_secret,
            authorize_url=settings.google_authorize_url,
            token_url=settings.google_token_url,
            scope="openid email profile",
            profile_url=settings.google_userinfo_url,
        ),
        OAuthProvider.github: ProviderConfig(
            provider=OAuthProvider.github,
            client_id=settings.github_client_id,
            client_secret=settings.github_client_secret,
            authorize_url=settings.github_authorize_url,
            token_url=settings.github_token_url,
            scope="read:user user:email",
            profile_url=settings.github_user_url,
            emails_url=settings.github_emails_url,
        ),
    }
    window = settings.signin_failure_window_s
    services = AuthServices(
        settings=settings,
        uow=lambda: UnitOfWork(sessionmaker),
        passwords=Argon2Passwords(
            time_cost=settings.argon2_time_cost,
            memory_kib=settings.argon2_memory_kib,
            parallelism=settings.argon2_parallelism,
            max_concurrency=settings.argon2_max_concurrency,
        ),
        keys=keys,
        box=SecretBox(settings.key_encryption_key),
        revocations=runtime.revocations,
        throttle=SignInThrottle(
            runtime.redis,
            prefix=settings.redis_prefix,
            account_policy=LockoutPolicy(
                max_failures=settings.signin_account_max_failures,
                window_s=window,
                base_lockout_s=settings.signin_lockout_base_s,
                max_lockout_s=settings.signin_lockout_max_s,
            ),
            ip_policy=LockoutPolicy(
                max_failures=settings.signin_ip_max_failures,
                window_s=window,
                base_lockout_s=settings.signin_lockout_base_s,
                max_lockout_s=settings.signin_lockout_max_s,
            ),
            code_check_limit=RateLimit(
                max_hits=settings.code_check_max_per_email, window_s=settings.code_check_window_s
            ),
            code_mail_limit=RateLimit(
                max_hits=settings.code_mail_max_per_email, window_s=settings.code_mail_window_s
            ),
        ),
        ephemeral=EphemeralStore(runtime.redis, prefix=f"{settings.redis_prefix}auth:"),
        mailer=mailer,
        avatars=FilesystemAvatarStorage(settings.avatar_dir),
        oauth=OAuthClient(oauth_configs, http=http),
        engine=runtime.engine,
    )
    return Wiring(runtime=runtime, services=services, mailer=mailer, http=http)
