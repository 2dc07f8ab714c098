"""What an auth process makes sure of when it starts (idempotent, safe with replicas)."""

from __future__ import annotations

import secrets

from auth.domain.audit import RequestOrigin
from auth.service_layer.accounts import ensure_admin
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
        user, created = await ensure_admin(
            services, email=settings.admin_email, password=settings.admin_password, origin=STARTUP
        )
        log.info("auth.admin_ensured", user_id=str(user.id), created=created)
    elif settings.environment is Environment.development:
        await _development_admin(services)


async def _development_admin(services: AuthServices) -> None:
    """On a laptop without ADMIN_EMAIL/ADMIN_PASSWORD: make one admin and print it once."""
    async with services.uow() as uow:
        if await uow.users.any_admin():
            return
    password = secrets.token_urlsafe(12)
    user, created = await ensure_admin(
        services, email=DEV_ADMIN_EMAIL, password=password, origin=STARTUP
    )
    if created:
        # Development only, once: the one place a password is ever printed.
        print(
            f"\n  auth: created the development admin {user.email} / {password}\n"
            "  (set ADMIN_EMAIL and ADMIN_PASSWORD to choose your own)\n",
            flush=True,
        )
