"""Sign-in with Google / GitHub."""

from __future__ import annotations

from fastapi import APIRouter, Request
from fastapi.responses import JSONResponse, RedirectResponse

from auth.entrypoints.api.deps import Origin, Services
from auth.entrypoints.api.schemas import ChallengeResponse, TokenResponse
from auth.service_layer import oauth
from auth.service_layer.services import SignedIn

router = APIRouter(prefix="/api/auth", tags=["auth: providers"])

STATE_COOKIE = "looseline_oauth_state"


def _cookie_path(provider: str) -> str:
    # The provider lands the browser on the app's /auth/callback/{provider}; the page's own
    # same-origin fetch of this callback is what carries the cookie.
    return f"/api/auth/{provider}/callback"


@router.get("/{provider}/authorize", response_class=RedirectResponse, status_code=302)
async def authorize(
    provider: str, services: Services, remember_me: bool = False
) -> RedirectResponse:
    """302 to the provider, with the state bound to this browser by an HttpOnly cookie."""
    chosen = oauth.provider_named(provider)
    start = await oauth.begin(services, chosen, remember_me=remember_me)
    response = RedirectResponse(start.url, status_code=302, headers={"Cache-Control": "no-store"})
    response.set_cookie(
        STATE_COOKIE,
        start.state,
        max_age=services.settings.oauth_state_ttl_s,
        path=_cookie_path(chosen.value),
        httponly=True,
        # Lax: sent on the provider's top-level redirect back to us, never on cross-site posts.
        samesite="lax",
        secure=services.settings.public_url.startswith("https://"),
    )
    return response


@router.get(
    "/{provider}/callback",
    responses={200: {"model": TokenResponse | ChallengeResponse}},
)
async def callback(
    provider: str,
    request: Request,
    services: Services,
    origin: Origin,
    code: str | None = None,
    state: str | None = None,
    error: str | None = None,
) -> JSONResponse:
    """Tokens as JSON (or a 2FA challenge), for the app's landing page that calls this."""
    chosen = oauth.provider_named(provider)
    outcome = await oauth.complete(
        services,
        chosen,
        code=code,
        state=state,
        cookie_state=request.cookies.get(STATE_COOKIE),
        error=error,
        origin=origin,
    )
    body = (
        TokenResponse.of(outcome)
        if isinstance(outcome, SignedIn)
        else ChallengeResponse.of(outcome)
    )
    response = JSONResponse(body.model_dump(mode="json"), headers={"Cache-Control": "no-store"})
    response.delete_cookie(STATE_COOKIE, path=_cookie_path(chosen.value))
    return response
