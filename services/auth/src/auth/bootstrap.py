"""Composition root of the auth service: the runtime (DB, broker, Redis, verifier) and the
services the handlers use, wired once per process."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, datetime, timedelta

import httpx
from sqlalchemy import delete
from sqlalchemy.ext.asyncio import AsyncEngine

from auth.adapters import tables
from auth.adapters.avatars import FilesystemAvatarStorage
from auth.adapters.crypto import SecretBox
from auth.adapters.ephemeral import EphemeralStore
from auth.adapters.mail import SmtpMailer
from auth.adapters.oauth_providers import OAuthClient, ProviderConfig
from auth.adapters.password_hashing import Argon2Passwords
from auth.adapters.signing_keys import KeyRing
from auth.adapters.throttle import SignInThrottle
from auth.domain.model import OAuthProvider
from auth.domain.throttling import LockoutPolicy
from auth.entrypoints.worker import SUBSCRIPTIONS
from auth.service_layer.services import AuthServices
from auth.service_layer.unit_of_work import UnitOfWork
from auth.settings import Settings
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
    async with engine.begin() as conn:
        await conn.execute(delete(tables.session).where(tables.session.c.expires_at < before))
        for table in (tables.verification, tables.password_reset):
            await conn.execute(delete(table).where(table.c.expires_at < before))


def build(settings: Settings, *, keys: KeyRing | None = None) -> ServiceRuntime:
    """The runtime; its token verifier reads auth's own signing-key table (no HTTP to itself)."""
    keys = keys or _key_ring(settings)
    runtime = build_runtime(
        settings,
        subscriptions=SUBSCRIPTIONS,
        periodic=[PeriodicSpec(name="delete-expired", interval_s=3600, job=_delete_expired)],
        key_source=keys,
    )
    assert runtime.sessionmaker is not None
    keys.attach(runtime.sessionmaker)
    return runtime


@dataclass
class AuthProcess:
    runtime: ServiceRuntime
    services: AuthServices
    mailer: SmtpMailer
    http: httpx.AsyncClient


def build_process(settings: Settings) -> AuthProcess:
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
        ),
        ephemeral=EphemeralStore(runtime.redis, prefix=f"{settings.redis_prefix}auth:"),
        mailer=mailer,
        avatars=FilesystemAvatarStorage(settings.avatar_dir),
        oauth=OAuthClient(oauth_configs, http=http),
    )
    return AuthProcess(runtime=runtime, services=services, mailer=mailer, http=http)
