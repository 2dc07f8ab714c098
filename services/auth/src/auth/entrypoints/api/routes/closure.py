"""Closing one's own account (service_layer/closure.py)."""

from __future__ import annotations

from fastapi import APIRouter, status

from auth.entrypoints.api.deps import Origin, Services
from auth.entrypoints.api.schemas import CloseAccountRequest, UserOut, UserResponse
from auth.service_layer import closure
from common.auth.deps import CurrentUser

router = APIRouter(prefix="/api/auth", tags=["auth"])


@router.post("/account/close", status_code=status.HTTP_202_ACCEPTED)
async def close_account(
    body: CloseAccountRequest, principal: CurrentUser, services: Services, origin: Origin
) -> UserResponse:
    """Re-authenticated by the password: the account is ``closing`` at once (money may only
    leave the wallet) and ``closed`` — anonymised, signed out everywhere — once the wallet
    holds nothing for it (no balance, no open bet, no pending withdrawal)."""
    user = await closure.request_closure(services, principal, password=body.password, origin=origin)
    return UserResponse(user=UserOut.of(user))
