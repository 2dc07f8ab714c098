"""Operator commands: ``python -m auth.entrypoints.cli <command>``.

- ``rotate-signing-key``: a new active JWT signing key; the old one stays published until the
  tokens it signed have expired (nobody is signed out).
- ``create-admin --email E [--password P] [--force-promote-existing]``: create a verified
  admin, or promote the existing account with that email (idempotent). Without ``--password``
  it is read from ``ADMIN_PASSWORD`` or prompted. An existing account is promoted only if its
  email is verified and the password is its own; ``--force-promote-existing`` promotes it
  anyway. A promotion ends every session of the account. Refused: exit status 2.
- ``new-key-encryption-key``: print a fresh value for ``AUTH_KEY_ENCRYPTION_KEY``.
"""

from __future__ import annotations

import argparse
import asyncio
import getpass
import os
import sys

from auth.adapters.crypto import new_key_encryption_key
from auth.bootstrap import wire
from auth.domain.audit import RequestOrigin
from auth.service_layer.accounts import AdminOutcome, EnsuredAdmin, ensure_admin
from auth.service_layer.signing import ensure_signing_key, rotate_signing_key
from auth.settings import Settings
from common.errors import DomainError

CLI = RequestOrigin(ip=None, user_agent="auth-cli")


async def _rotate(settings: Settings) -> str:
    process = wire(settings)
    try:
        await ensure_signing_key(process.services)
        key = await rotate_signing_key(process.services)
        return key.kid
    finally:
        await process.runtime.stop()


async def _create_admin(
    settings: Settings, email: str, password: str | None, *, force: bool
) -> EnsuredAdmin:
    process = wire(settings)
    try:
        return await ensure_admin(
            process.services,
            email=email,
            password=password,
            origin=CLI,
            promote_existing=force,
        )
    finally:
        await process.runtime.stop()


def _report(ensured: EnsuredAdmin) -> str:
    user_id = ensured.user.id
    match ensured.outcome:
        case AdminOutcome.created:
            return f"admin created: {user_id}\n"
        case AdminOutcome.promoted:
            return f"admin promoted: {user_id} ({ensured.sessions_ended} session(s) ended)\n"
    return f"admin ensured: {user_id} (already an admin, nothing changed)\n"


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m auth.entrypoints.cli")
    commands = parser.add_subparsers(dest="command", required=True)
    commands.add_parser("rotate-signing-key", help="make a new signing key active")
    admin = commands.add_parser("create-admin", help="create or promote an admin")
    admin.add_argument("--email", required=True)
    admin.add_argument("--password", help="default: ADMIN_PASSWORD, else prompted")
    admin.add_argument(
        "--force-promote-existing",
        action="store_true",
        help="promote an existing account even if unverified or its password differs",
    )
    commands.add_parser("new-key-encryption-key", help="print a new AUTH_KEY_ENCRYPTION_KEY")
    args = parser.parse_args(argv)

    if args.command == "new-key-encryption-key":
        sys.stdout.write(new_key_encryption_key() + "\n")
        return 0
    settings = Settings()
    if args.command == "rotate-signing-key":
        kid = asyncio.run(_rotate(settings))
        sys.stdout.write(f"new signing key: {kid}\n")
        return 0
    password = args.password or os.environ.get("ADMIN_PASSWORD") or None
    if password is None and sys.stdin.isatty():
        password = getpass.getpass("Password for the new admin: ")
    # Only the flag forces (not AUTH_ADMIN_PROMOTE_EXISTING, which is for the startup admin):
    # a setting left on must not turn every later create-admin into a forced promotion.
    force = bool(args.force_promote_existing)
    try:
        ensured = asyncio.run(_create_admin(settings, args.email, password, force=force))
    except DomainError as exc:
        details = f" ({exc.details})" if exc.details else ""
        sys.stderr.write(f"create-admin: {exc.code}: {exc.message}{details}\n")
        return 2
    sys.stdout.write(_report(ensured))
    return 0


if __name__ == "__main__":
    sys.exit(main())
