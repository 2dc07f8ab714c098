"""Sign-up, email verification, passwords, profile, avatars."""

from __future__ import annotations

from typing import Any

from fastapi import APIRouter, Request, Response, status
from pydantic import BaseModel, ValidationError
from starlette.datastructures import UploadFile

from auth.adapters.avatars import CONTENT_TYPE as AVATAR_CONTENT_TYPE
from auth.domain.errors import AvatarInvalid, AvatarTooLarge
from auth.entrypoints.api.deps import Origin, Services
from auth.entrypoints.api.schemas import (
    ChangePasswordRequest,
    EmailRequest,
    ProfileRequest,
    ResetPasswordRequest,
    SignUpRequest,
    SuccessResponse,
    UserOut,
    UserResponse,
    VerifiedResponse,
    VerifyEmailRequest,
)
from auth.service_layer import accounts
from common.auth.deps import CurrentUser
from common.errors import DomainError, NotFound

router = APIRouter(prefix="/api/auth", tags=["auth"])

CODE_SENT = "If the address belongs to an account, a code is on its way."


@router.post("/sign-up", status_code=status.HTTP_201_CREATED)
async def sign_up(body: SignUpRequest, services: Services, origin: Origin) -> UserResponse:
    user = await accounts.sign_up(
        services,
        email=body.email,
        password=body.password,
        name=body.name,
        partner_id=body.partner_id,
        click_id=body.click_id,
        origin=origin,
    )
    return UserResponse(user=UserOut.of(user))


@router.post("/verify-email")
async def verify_email(
    body: VerifyEmailRequest, services: Services, origin: Origin
) -> VerifiedResponse:
    user = await accounts.verify_email(services, email=body.email, code=body.code, origin=origin)
    return VerifiedResponse(user=UserOut.of(user))


@router.post("/verify-email/resend", status_code=status.HTTP_202_ACCEPTED)
async def resend_verification(
    body: EmailRequest, services: Services, origin: Origin
) -> SuccessResponse:
    await accounts.resend_verification(services, email=body.email, origin=origin)
    return SuccessResponse(message=CODE_SENT)


@router.post("/forgot-password", status_code=status.HTTP_202_ACCEPTED)
async def forgot_password(
    body: EmailRequest, services: Services, origin: Origin
) -> SuccessResponse:
    await accounts.forgot_password(services, email=body.email, origin=origin)
    return SuccessResponse(message=CODE_SENT)


@router.post("/reset-password")
async def reset_password(
    body: ResetPasswordRequest, services: Services, origin: Origin
) -> SuccessResponse:
    await accounts.reset_password(
        services, email=body.email, code=body.code, new_password=body.new_password, origin=origin
    )
    return SuccessResponse(message="Password changed. Sign in with the new password.")


@router.post("/change-password")
async def change_password(
    body: ChangePasswordRequest, principal: CurrentUser, services: Services, origin: Origin
) -> SuccessResponse:
    await accounts.change_password(
        services,
        principal,
        current_password=body.current_password,
        new_password=body.new_password,
        origin=origin,
    )
    return SuccessResponse(message="Password changed. Your other sessions were signed out.")


class _BadRequest(DomainError):
    status_code = 422
    code = "validation_error"
    default_message = "The request is not valid."


async def _profile_change(request: Request, max_avatar_bytes: int) -> accounts.ProfileChange:
    """JSON ``{name?, telegram_id?, preferences?}``, or multipart with ``name``,
    ``telegram_id`` and ``avatar``."""
    content_type = request.headers.get("content-type", "").split(";")[0].strip().lower()
    avatar: bytes | None = None
    raw: dict[str, Any]
    if content_type == "multipart/form-data":
        declared = int(request.headers.get("content-length") or 0)
        if declared > max_avatar_bytes + 64 * 1024:
            raise AvatarTooLarge(details={"max_bytes": max_avatar_bytes})
        async with request.form(max_files=1, max_fields=10) as form:
            raw = {k: v for k, v in form.items() if isinstance(v, str) and k != "avatar"}
            upload = form.get("avatar")
            if isinstance(upload, UploadFile):
                avatar = await upload.read(max_avatar_bytes + 1)
                if len(avatar) > max_avatar_bytes:
                    raise AvatarTooLarge(details={"max_bytes": max_avatar_bytes})
                if not avatar:
                    raise AvatarInvalid()
            elif upload is not None:
                raise AvatarInvalid("The avatar must be sent as a file.")
        if raw.get("telegram_id") == "":
            raw["telegram_id"] = None
    elif content_type == "application/json":
        try:
            body = await request.json()
        except ValueError:
            raise _BadRequest("The body is not valid JSON.") from None
        if not isinstance(body, dict):
            raise _BadRequest()
        raw = body
    else:
        raise _BadRequest("Send JSON or multipart/form-data.")
    try:
        parsed = ProfileRequest.model_validate(raw)
    except ValidationError as exc:
        details = [
            {"loc": list(e["loc"]), "msg": e["msg"], "type": e["type"]} for e in exc.errors()
        ]
        raise _BadRequest(details=details) from None
    return accounts.ProfileChange(
        name=parsed.name,
        telegram_id=parsed.telegram_id,
        clear_telegram_id="telegram_id" in parsed.model_fields_set and parsed.telegram_id is None,
        avatar=avatar,
        preferences=(
            parsed.preferences.model_dump(exclude_unset=True) if parsed.preferences else None
        ),
    )


def _inline_schema(model: type[BaseModel]) -> dict[str, Any]:
    """The model's JSON schema with its nested models written in place: a hand-given request
    body is not among the OpenAPI components, so a ``#/$defs/...`` reference would dangle."""
    schema = model.model_json_schema()
    defs: dict[str, Any] = schema.pop("$defs", {})

    def resolve(node: Any) -> Any:
        if isinstance(node, dict):
            ref = node.get("$ref")
            if isinstance(ref, str) and ref.startswith("#/$defs/"):
                return resolve(defs[ref.removeprefix("#/$defs/")])
            return {key: resolve(value) for key, value in node.items()}
        if isinstance(node, list):
            return [resolve(item) for item in node]
        return node

    resolved: dict[str, Any] = resolve(schema)
    return resolved


@router.put(
    "/user",
    openapi_extra={
        "requestBody": {
            "content": {
                "application/json": {"schema": _inline_schema(ProfileRequest)},
                "multipart/form-data": {
                    "schema": {
                        "type": "object",
                        "properties": {
                            "name": {"type": "string"},
                            "telegram_id": {"type": "integer"},
                            "avatar": {"type": "string", "format": "binary"},
                        },
                    }
                },
            }
        }
    },
)
async def update_profile(
    request: Request, principal: CurrentUser, services: Services, origin: Origin
) -> UserResponse:
    change = await _profile_change(request, services.settings.avatar_max_bytes)
    user = await accounts.update_profile(services, principal, change, origin=origin)
    return UserResponse(user=UserOut.of(user))


@router.get("/avatars/{user_id}/{name}", response_class=Response)
async def avatar(user_id: str, name: str, services: Services) -> Response:
    data = await services.avatars.load(f"{user_id}/{name}")
    if data is None:
        raise NotFound("No such avatar.")
    return Response(
        data,
        media_type=AVATAR_CONTENT_TYPE,
        # Each upload gets a new name, so a stored avatar never changes.
        headers={
            "Cache-Control": "public, max-age=31536000, immutable",
            "X-Content-Type-Options": "nosniff",
        },
    )
