"""Sign-in, refresh, sign-out, the current session and the user's other sessions."""

from __future__ import annotations

import uuid

from fastapi import APIRouter

from auth.entrypoints.api.deps import Origin, Services
from auth.entrypoints.api.schemas import (
    RefreshRequest,
    SessionOut,
    SessionResponse,
    SessionsResponse,
    SignInRequest,
    SuccessResponse,
    TokenResponse,
    UserOut,
)
from auth.service_layer import sessions
from common.auth.deps import CurrentUser

router = APIRouter(prefix="/api/auth", tags=["auth"])


@router.post("/sign-in")
async def sign_in(body: SignInRequest, services: Services, origin: Origin) -> TokenResponse:
    signed = await sessions.sign_in(
        services,
        email=body.email,
        password=body.password,
        remember_me=body.remember_me,
        totp_code=body.totp_code,
        origin=origin,
    )
    return TokenResponse.of(signed)


@router.post("/refresh")
async def refresh(body: RefreshRequest, services: Services, origin: Origin) -> TokenResponse:
    signed = await sessions.refresh(services, refresh_token=body.refresh_token, origin=origin)
    return TokenResponse.of(signed)


@router.post("/sign-out")
async def sign_out(principal: CurrentUser, services: Services, origin: Origin) -> SuccessResponse:
    await sessions.sign_out(services, principal, origin=origin)
    return SuccessResponse(message="Signed out.")


@router.get("/session")
async def current_session(principal: CurrentUser, services: Services) -> SessionResponse:
    current = await sessions.current_session(services, principal)
    return SessionResponse(
        user=UserOut.of(current.user),
        session=SessionOut.of(current.session, current_id=current.session.id),
    )


@router.get("/sessions")
async def list_sessions(principal: CurrentUser, services: Services) -> SessionsResponse:
    found = await sessions.list_sessions(services, principal)
    return SessionsResponse(
        sessions=[SessionOut.of(s, current_id=principal.session_id) for s in found]
    )


@router.delete("/sessions/{session_id}")
async def end_session(
    session_id: uuid.UUID, principal: CurrentUser, services: Services, origin: Origin
) -> SuccessResponse:
    await sessions.end_session(services, principal, session_id, origin=origin)
    return SuccessResponse(message="Session ended.")
