"""Account closure (domain/closure.py has the rules): the user's request and its completion.

1. ``POST /api/auth/account/close {password}``: re-authenticated by the password, the account
   becomes ``closing`` and ``auth.AccountClosureRequested`` goes out (same transaction). The
   wallet stops money coming in at once; the user keeps signing in to withdraw what is left.
2. ``wallet.AccountSettledForClosure`` (the wallet holds nothing for the user any more): the
   profile is anonymised, OAuth links, recovery codes, 2-FA and the password dropped, every
   session ended (``SessionRevoked`` + the Redis deny-list), status ``closed``. Idempotent: a
   redelivery, or a reply for an account no longer closing, changes nothing.
"""

from __future__ import annotations

import contextlib
import uuid
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta

from auth.adapters.avatars import AvatarStorage
from auth.domain.audit import AuditAction, RequestOrigin
from auth.domain.closure import anonymised, check_may_request_closure, completes_now
from auth.domain.model import RevokeReason, User, UserStatus
from auth.service_layer.services import AuthServices
from auth.service_layer.sessions import (
    authenticated,
    password_confirmed,
    revoke_sessions,
)
from auth.service_layer.unit_of_work import UnitOfWork
from common.auth.revocation import RevocationList
from common.auth.tokens import Principal
from common.contracts.auth import AccountClosureRequested
from common.contracts.wallet import AccountSettledForClosure
from common.logging import get_logger
from common.messaging.consumer import MessageContext

log = get_logger(__name__)
WORKER = RequestOrigin(user_agent="auth-worker")


async def request_closure(
    services: AuthServices, principal: Principal, *, password: str, origin: RequestOrigin
) -> User:
    """The caller's own account becomes ``closing`` (asking again answers the same)."""
    async with services.uow() as uow:
        current = await authenticated(services, uow, principal)
    user = current.user
    check_may_request_closure(user)
    if user.status is UserStatus.closing:
        return user
    async with (
        password_confirmed(services, user, password, origin=origin),
        services.uow() as uow,
    ):
        now = services.clock()
        current = await authenticated(services, uow, principal, for_update=True)
        user = current.user
        check_may_request_closure(user)
        if user.status is UserStatus.closing:
            return user
        user = await uow.users.change(
            user.id, now=now, status=UserStatus.closing.value, closure_requested_at=now
        )
        await uow.emit(AccountClosureRequested(user_id=user.id))
        await uow.audit.record(
            AuditAction.account_closure_requested, user_id=user.id, origin=origin, now=now
        )
        await uow.commit()
        return user


@dataclass(frozen=True)
class Completed:
    sessions: list[uuid.UUID]  # ended now
    avatar_key: str | None  # the picture to delete (its public URL must stop answering)


async def forget_avatar(avatars: AvatarStorage, key: str | None) -> None:
    if key is not None:
        with contextlib.suppress(OSError):
            await avatars.delete(key)


async def complete_closure(
    uow: UnitOfWork, user_id: uuid.UUID, *, now: datetime, access_ttl_s: int
) -> Completed | None:
    """Anonymise and end everything, in the unit of work's transaction (None: not now).

    Runs when the wallet's reply arrives, and again on an unblock if the reply came while an
    admin had the account blocked. Does nothing unless the closure may complete now.
    """
    user = await uow.users.get(user_id, for_update=True)
    if user is None or not completes_now(user):
        return None
    await uow.users.change(user.id, now=now, closed_at=now, **anonymised(user))
    links = await uow.accounts.unlink_all(user.id)
    await uow.recovery_codes.delete_all(user.id)
    ended = await revoke_sessions(
        uow,
        user_id=user.id,
        reason=RevokeReason.account_closed,
        now=now,
        access_ttl_s=access_ttl_s,
    )
    await uow.audit.record(
        AuditAction.account_closed,
        user_id=user.id,
        origin=WORKER,
        now=now,
        sessions_ended=len(ended),
        provider_links_removed=links,
        had_avatar=user.avatar_path is not None,
    )
    return Completed(sessions=[s.id for s in ended], avatar_key=user.avatar_path)


class ClosureCompletion:
    """The handler of ``wallet.AccountSettledForClosure``. Attached to the runtime's deny-list
    by the composition root; writes it for the sessions it ended (before the consumer's commit:
    a rollback only makes tokens die early, and the redelivery ends them for good)."""

    def __init__(self, *, access_ttl_s: int, avatars: AvatarStorage | None = None) -> None:
        self._access_ttl_s = access_ttl_s
        self._avatars = avatars
        self._revocations: RevocationList | None = None

    def attach(self, revocations: RevocationList) -> None:
        self._revocations = revocations

    async def __call__(self, payload: AccountSettledForClosure, ctx: MessageContext) -> None:
        now = datetime.now(UTC)
        uow = UnitOfWork.for_message(ctx)
        user = await uow.users.get(payload.user_id, for_update=True)
        if user is None or user.closure_requested_at is None or user.is_closed:
            log.info("auth.closure_settled_ignored", user_id=str(payload.user_id))
            return
        if user.closure_settled_at is None:
            await uow.users.change(user.id, now=now, closure_settled_at=now)
        done = await complete_closure(uow, user.id, now=now, access_ttl_s=self._access_ttl_s)
        if done is None:
            return
        if done.sessions and self._revocations is not None:
            await self._revocations.revoke_many(
                done.sessions, until=now + timedelta(seconds=self._access_ttl_s)
            )
        if self._avatars is not None:
            await forget_avatar(self._avatars, done.avatar_key)
