"""What an auth process makes sure of when it starts (idempotent, safe with replicas)."""

from __future__ import annotations

import secrets

from auth.domain.audit import RequestOrigin
from auth.domain.errors import AdminPromotionRefused
from auth.service_layer.accounts import AdminOutcome, EnsuredAdmin, ensure_admin
from auth.service_layer.services import AuthServices
from auth.service_layer.signing import ensure_signing_key
from common.logging import get_logger
from common.settings import Environment

log = get_logger(__name__)

DEV_ADMIN_EMAIL = "admin@example.com"
STARTUP = RequestOrigin(ip=None, user_agent="auth-startup")


async def on_startup(services: AuthServices) -> None:
    await ensure_signing_key(services)
    settings = services.settings
    if settings.admin_email and settings.admin_password:
        await _admin_from_settings(services)
    elif settings.environment is Environment.development:
        await _development_admin(services)


async def _admin_from_settings(services: AuthServices) -> None:
    """ADMIN_EMAIL / ADMIN_PASSWORD. An existing account that is not provably the operator's
    is left alone: the service still starts (it must not be held hostage by whoever registered
    the address), and says so loudly."""
    settings = services.settings
    ensured = await _ensure_or_refuse(
        services,
        email=settings.admin_email,
        password=settings.admin_password,
        promote_existing=settings.admin_promote_existing,
    )
    if ensured is not None:
        log.info(
            "auth.admin_ensured",
            user_id=str(ensured.user.id),
            outcome=ensured.outcome.value,
            sessions_ended=ensured.sessions_ended,
        )


async def _ensure_or_refuse(
    services: AuthServices, *, email: str, password: str, promote_existing: bool = False
) -> EnsuredAdmin | None:
    try:
        return await ensure_admin(
            services,
            email=email,
            password=password,
            origin=STARTUP,
            promote_existing=promote_existing,
        )
    except AdminPromotionRefused as refused:
        log.error(
            "auth.admin_promotion_refused",
            reason=refused.details["reason"],
            message=refused.message,
        )
        return None


async def _development_admin(services: AuthServices) -> None:
    """On a laptop without ADMIN_EMAIL/ADMIN_PASSWORD: make one admin and print it once."""
    async with services.uow() as uow:
        if await uow.users.any_admin():
            return
    password = secrets.token_urlsafe(12)
    # Never promote: someone may have signed up as admin@example.com on this laptop.
    ensured = await _ensure_or_refuse(services, email=DEV_ADMIN_EMAIL, password=password)
    if ensured is not None and ensured.outcome is AdminOutcome.created:
        # Development only, once: the one place a password is ever printed.
        print(
            f"\n  auth: created the development admin {ensured.user.email} / {password}\n"
            "  (set ADMIN_EMAIL and ADMIN_PASSWORD to choose your own)\n",
            flush=True,
        )
