"""Administration of users: list and search, block and unblock, change role, read the trail."""

from __future__ import annotations

import uuid
from dataclasses import dataclass
from typing import Any

from auth.domain.audit import AuditAction, RequestOrigin
from auth.domain.closure import status_after_unblock
from auth.domain.errors import AdminSelfChange, SessionEnded, UserNotFound
from auth.domain.model import RevokeReason, Role, User, UserStatus
from auth.service_layer.closure import complete_closure, forget_avatar
from auth.service_layer.services import AuthServices
from auth.service_layer.sessions import end_sessions
from auth.service_layer.unit_of_work import UnitOfWork
from common.auth.tokens import AdminRequired, Principal
from common.contracts.auth import UserBlocked as UserBlockedMessage
from common.contracts.auth import UserRoleChanged, UserUnblocked


async def _still_admin(uow: UnitOfWork, principal: Principal) -> None:
    """The token says admin; the database must agree (a demotion ends sessions anyway)."""
    admin = await uow.users.get(principal.user_id)
    if admin is None or admin.is_blocked:
        raise SessionEnded()
    if admin.role is not Role.admin:
        raise AdminRequired()


@dataclass(frozen=True)
class UserPage:
    users: list[User]
    total: int
    page: int
    page_size: int


async def list_users(
    services: AuthServices,
    principal: Principal,
    *,
    query: str | None,
    role: Role | None,
    status: UserStatus | None,
    page: int,
    page_size: int,
) -> UserPage:
    async with services.uow() as uow:
        await _still_admin(uow, principal)
        users, total = await uow.users.search(
            query=query.strip() if query and query.strip() else None,
            role=role,
            status=status,
            limit=page_size,
            offset=(page - 1) * page_size,
        )
    return UserPage(users=users, total=total, page=page, page_size=page_size)


@dataclass(frozen=True)
class UserDetails:
    user: User
    providers: list[str]
    active_sessions: int


async def get_user(services: AuthServices, principal: Principal, user_id: uuid.UUID) -> UserDetails:
    async with services.uow() as uow:
        await _still_admin(uow, principal)
        user = await uow.users.get(user_id)
        if user is None:
            raise UserNotFound()
        providers = await uow.accounts.providers_of(user.id)
        sessions = await uow.sessions.active_for_user(user.id, now=services.clock())
    return UserDetails(user=user, providers=providers, active_sessions=len(sessions))


async def _target(uow: UnitOfWork, principal: Principal, user_id: uuid.UUID) -> User:
    await _still_admin(uow, principal)
    if user_id == principal.user_id:
        raise AdminSelfChange()
    user = await uow.users.get(user_id, for_update=True)
    if user is None:
        raise UserNotFound()
    return user


async def block(
    services: AuthServices,
    principal: Principal,
    user_id: uuid.UUID,
    *,
    reason: str,
    origin: RequestOrigin,
) -> User:
    """Blocked: cannot sign in, every session ends now, ``UserBlocked`` goes out."""
    async with services.uow() as uow:
        now = services.clock()
        user = await _target(uow, principal, user_id)
        if user.is_blocked:
            return user
        user = await uow.users.change(
            user.id,
            now=now,
            status=UserStatus.blocked.value,
            blocked_reason=reason,
            blocked_at=now,
        )
        ended = await end_sessions(
            services, uow, user_id=user.id, reason=RevokeReason.user_blocked, now=now
        )
        await uow.emit(UserBlockedMessage(user_id=user.id, reason=reason))
        await uow.audit.record(
            AuditAction.user_blocked,
            user_id=user.id,
            origin=origin,
            now=now,
            actor_id=str(principal.user_id),
            reason=reason,
            sessions_ended=len(ended),
        )
        await uow.commit()
        return user


async def unblock(
    services: AuthServices, principal: Principal, user_id: uuid.UUID, *, origin: RequestOrigin
) -> User:
    """Active again (or back to ``closing`` if the user had asked to close the account);
    ``UserUnblocked`` goes out so the wallet lifts its block too."""
    async with services.uow() as uow:
        now = services.clock()
        user = await _target(uow, principal, user_id)
        if not user.is_blocked:
            return user
        user = await uow.users.change(
            user.id,
            now=now,
            status=status_after_unblock(user).value,
            blocked_reason=None,
            blocked_at=None,
        )
        await uow.emit(UserUnblocked(user_id=user.id))
        # A closure whose wallet settled while the account was blocked completes now (its
        # sessions all ended with the block).
        done = await complete_closure(
            uow, user.id, now=now, access_ttl_s=services.settings.access_ttl_s
        )
        user = await uow.users.get(user.id) or user
        await uow.audit.record(
            AuditAction.user_unblocked,
            user_id=user.id,
            origin=origin,
            now=now,
            actor_id=str(principal.user_id),
        )
        await uow.commit()
    if done is not None:
        await forget_avatar(services.avatars, done.avatar_key)
    return user


async def change_role(
    services: AuthServices,
    principal: Principal,
    user_id: uuid.UUID,
    *,
    role: Role,
    origin: RequestOrigin,
) -> User:
    """``UserRoleChanged`` goes out; a demoted admin's sessions end so the old role dies now
    (a promotion shows in the next access token, at the latest on the next refresh)."""
    async with services.uow() as uow:
        now = services.clock()
        user = await _target(uow, principal, user_id)
        if user.role is role:
            return user
        old = user.role
        user = await uow.users.change(user.id, now=now, role=role.value)
        await uow.emit(UserRoleChanged(user_id=user.id, old_role=old.value, new_role=role.value))
        ended = []
        if old is Role.admin:
            ended = await end_sessions(
                services, uow, user_id=user.id, reason=RevokeReason.role_changed, now=now
            )
        await uow.audit.record(
            AuditAction.role_changed,
            user_id=user.id,
            origin=origin,
            now=now,
            actor_id=str(principal.user_id),
            old_role=old.value,
            new_role=role.value,
            sessions_ended=len(ended),
        )
        await uow.commit()
        return user


async def audit_trail(
    services: AuthServices, principal: Principal, user_id: uuid.UUID, *, limit: int
) -> list[dict[str, Any]]:
    async with services.uow() as uow:
        await _still_admin(uow, principal)
        if await uow.users.get(user_id) is None:
            raise UserNotFound()
        return await uow.audit.for_user(user_id, limit=limit)
