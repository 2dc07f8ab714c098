"""Two-factor authentication (TOTP) and the second step of a provider sign-in."""

from __future__ import annotations

from fastapi import APIRouter

from auth.entrypoints.api.deps import Origin, Services
from auth.entrypoints.api.schemas import (
    RecoveryCodesResponse,
    SuccessResponse,
    TokenResponse,
    TotpDisableRequest,
    TotpEnableRequest,
    TotpSetupRequest,
    TotpSetupResponse,
    TwoFactorVerifyRequest,
)
from auth.service_layer import two_factor
from common.auth.deps import CurrentUser

router = APIRouter(prefix="/api/auth/2fa", tags=["auth: two-factor"])


@router.post("/setup")
async def set_up(
    body: TotpSetupRequest, principal: CurrentUser, services: Services, origin: Origin
) -> TotpSetupResponse:
    setup = await two_factor.set_up(services, principal, password=body.password, origin=origin)
    return TotpSetupResponse(secret=setup.secret, otpauth_uri=setup.otpauth_uri)


@router.post("/enable")
async def enable(
    body: TotpEnableRequest, principal: CurrentUser, services: Services, origin: Origin
) -> RecoveryCodesResponse:
    codes = await two_factor.enable(
        services, principal, code=body.code, password=body.password, origin=origin
    )
    return RecoveryCodesResponse(recovery_codes=codes)


@router.post("/disable")
async def disable(
    body: TotpDisableRequest, principal: CurrentUser, services: Services, origin: Origin
) -> SuccessResponse:
    await two_factor.disable(
        services, principal, code=body.code, password=body.password, origin=origin
    )
    return SuccessResponse(message="Two-factor authentication is off.")


@router.post("/verify")
async def verify(body: TwoFactorVerifyRequest, services: Services, origin: Origin) -> TokenResponse:
    signed = await two_factor.complete_challenge(
        services, challenge=body.challenge, code=body.code, origin=origin
    )
    return TokenResponse.of(signed)
