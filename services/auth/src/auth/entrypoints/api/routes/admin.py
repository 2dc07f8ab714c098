"""User administration (role admin)."""

from __future__ import annotations

import uuid
from typing import Annotated

from fastapi import APIRouter, Query

from auth.domain.model import Role, UserStatus
from auth.entrypoints.api.deps import Origin, Services
from auth.entrypoints.api.schemas import (
    AdminUserDetailsOut,
    AdminUserDetailsResponse,
    AdminUserOut,
    AdminUserResponse,
    AuditEventOut,
    AuditTrailResponse,
    BlockRequest,
    ResponsibleGamblingResponse,
    RoleRequest,
    UserListResponse,
)
from auth.service_layer import admin, responsible_gambling
from common.auth.deps import AdminUser

router = APIRouter(prefix="/api/auth/admin", tags=["auth: admin"])


@router.get("/users")
async def list_users(
    principal: AdminUser,
    services: Services,
    q: Annotated[str | None, Query(max_length=200, description="part of the email or name")] = None,
    role: Role | None = None,
    status: UserStatus | None = None,
    page: Annotated[int, Query(ge=1, le=100_000)] = 1,
    page_size: Annotated[int, Query(ge=1, le=200)] = 50,
) -> UserListResponse:
    found = await admin.list_users(
        services, principal, query=q, role=role, status=status, page=page, page_size=page_size
    )
    return UserListResponse(
        users=[AdminUserOut.of(u) for u in found.users],
        total=found.total,
        page=found.page,
        page_size=found.page_size,
    )


@router.get("/users/{user_id}")
async def get_user(
    user_id: uuid.UUID, principal: AdminUser, services: Services
) -> AdminUserDetailsResponse:
    details = await admin.get_user(services, principal, user_id)
    return AdminUserDetailsResponse(
        user=AdminUserDetailsOut(
            **AdminUserOut.of(details.user).model_dump(),
            providers=details.providers,
            active_sessions=details.active_sessions,
        )
    )


@router.post("/users/{user_id}/block")
async def block(
    user_id: uuid.UUID, body: BlockRequest, principal: AdminUser, services: Services, origin: Origin
) -> AdminUserResponse:
    user = await admin.block(services, principal, user_id, reason=body.reason, origin=origin)
    return AdminUserResponse(user=AdminUserOut.of(user))


@router.post("/users/{user_id}/unblock")
async def unblock(
    user_id: uuid.UUID, principal: AdminUser, services: Services, origin: Origin
) -> AdminUserResponse:
    user = await admin.unblock(services, principal, user_id, origin=origin)
    return AdminUserResponse(user=AdminUserOut.of(user))


@router.put("/users/{user_id}/role")
async def change_role(
    user_id: uuid.UUID, body: RoleRequest, principal: AdminUser, services: Services, origin: Origin
) -> AdminUserResponse:
    user = await admin.change_role(services, principal, user_id, role=body.role, origin=origin)
    return AdminUserResponse(user=AdminUserOut.of(user))


@router.get("/users/{user_id}/audit")
async def audit_trail(
    user_id: uuid.UUID,
    principal: AdminUser,
    services: Services,
    limit: Annotated[int, Query(ge=1, le=500)] = 100,
) -> AuditTrailResponse:
    events = await admin.audit_trail(services, principal, user_id, limit=limit)
    return AuditTrailResponse(events=[AuditEventOut.model_validate(e) for e in events])


@router.get("/users/{user_id}/responsible-gambling")
async def user_restrictions(
    user_id: uuid.UUID, principal: AdminUser, services: Services
) -> ResponsibleGamblingResponse:
    """The user's time-out or self-exclusion in force and every one taken. Read only: no
    route lifts or shortens one, for anyone."""
    found = await responsible_gambling.admin_overview(services, principal, user_id)
    return ResponsibleGamblingResponse.of(found)
