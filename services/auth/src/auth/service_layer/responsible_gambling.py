"""Time-out and self-exclusion as the user takes them (domain/responsible_gambling.py has the
rules); the user's and an admin's view of them.

Each accepted request, in one transaction: the ``restriction`` row, the audit event and
``auth.UserTimedOut`` / ``auth.UserSelfExcluded`` in the outbox (bets and the wallet enforce it
from their read models). The user's row is locked first, so two requests of one user are
judged one after the other against what the first wrote. There is no way to lift or shorten
one, for the user or an admin.
"""

from __future__ import annotations

import uuid
from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from datetime import datetime

from auth.domain.audit import AuditAction, RequestOrigin
from auth.domain.errors import UserNotFound
from auth.domain.responsible_gambling import (
    Restriction,
    RestrictionKind,
    check_not_shorter,
    in_force,
    self_exclusion_until,
    time_out_until,
)
from auth.service_layer.admin import _still_admin
from auth.service_layer.services import AuthServices
from auth.service_layer.sessions import authenticated
from auth.service_layer.unit_of_work import UnitOfWork
from common.auth.tokens import Principal
from common.contracts.auth import UserSelfExcluded, UserTimedOut


@dataclass(frozen=True)
class Overview:
    """The restriction in force (None: none) and every one taken, newest first."""

    current: Restriction | None
    history: list[Restriction]


# Called with the open unit of work and the answer, just before the commit (the route records
# the Idempotency-Key's answer there, so it commits with the change).
BeforeCommit = Callable[[UnitOfWork, Overview], Awaitable[None]]

_AUDIT = {
    RestrictionKind.time_out: AuditAction.time_out_taken,
    RestrictionKind.self_exclusion: AuditAction.self_exclusion_taken,
}
_MESSAGE = {
    RestrictionKind.time_out: UserTimedOut,
    RestrictionKind.self_exclusion: UserSelfExcluded,
}


async def _overview(uow: UnitOfWork, user_id: uuid.UUID, now: datetime) -> Overview:
    current = in_force(await uow.restrictions.latest(user_id), now)
    return Overview(current=current, history=await uow.restrictions.history(user_id))


async def overview(services: AuthServices, principal: Principal) -> Overview:
    async with services.uow() as uow:
        current = await authenticated(services, uow, principal)
        return await _overview(uow, current.user.id, services.clock())


async def admin_overview(
    services: AuthServices, principal: Principal, user_id: uuid.UUID
) -> Overview:
    """What an admin sees of a user's restrictions (read only: nothing lifts one)."""
    async with services.uow() as uow:
        await _still_admin(uow, principal)
        if await uow.users.get(user_id) is None:
            raise UserNotFound()
        return await _overview(uow, user_id, services.clock())


async def take_time_out(
    services: AuthServices,
    principal: Principal,
    *,
    days: int,
    origin: RequestOrigin,
    before_commit: BeforeCommit | None = None,
) -> Overview:
    return await _restrict(
        services,
        principal,
        RestrictionKind.time_out,
        lambda now: time_out_until(now, days),
        origin=origin,
        before_commit=before_commit,
        days=days,
    )


async def self_exclude(
    services: AuthServices,
    principal: Principal,
    *,
    months: int,
    origin: RequestOrigin,
    before_commit: BeforeCommit | None = None,
) -> Overview:
    return await _restrict(
        services,
        principal,
        RestrictionKind.self_exclusion,
        lambda now: self_exclusion_until(now, months),
        origin=origin,
        before_commit=before_commit,
        months=months,
    )


async def _restrict(
    services: AuthServices,
    principal: Principal,
    kind: RestrictionKind,
    until_from: Callable[[datetime], datetime],
    *,
    origin: RequestOrigin,
    before_commit: BeforeCommit | None,
    **asked: int,
) -> Overview:
    async with services.uow() as uow:
        now = services.clock()
        # The user's row serializes the user's requests: each is judged against the last.
        user = (await authenticated(services, uow, principal, for_update=True)).user
        until = until_from(now)
        check_not_shorter(in_force(await uow.restrictions.latest(user.id), now), until)
        taken = await uow.restrictions.add(user.id, kind=kind, until=until, now=now)
        await uow.emit(_MESSAGE[kind](user_id=user.id, until=until))
        await uow.audit.record(
            _AUDIT[kind],
            user_id=user.id,
            origin=origin,
            now=now,
            until=until.isoformat(),
            restriction_id=taken.id,
            **asked,
        )
        answer = await _overview(uow, user.id, now)
        if before_commit is not None:
            await before_commit(uow, answer)
        await uow.commit()
        return answer
