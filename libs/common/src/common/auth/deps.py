"""FastAPI dependencies for the HTTP edge: who is calling, and are they an administrator.

Routes take ``CurrentUser``, ``VerifiedUser`` (money-moving calls) or ``AdminUser``; the
verifier is the one the composition root put on ``app.state.runtime.token_verifier``
(``common.runtime.build_runtime`` wires it).
"""

from __future__ import annotations

from typing import Annotated

from fastapi import Depends, Request

from common.auth.tokens import (
    AccountUnverified,
    AdminRequired,
    InvalidToken,
    Principal,
    TokenVerifier,
)


async def current_principal(request: Request) -> Principal:
    """The verified caller from ``Authorization: Bearer <token>``; 401 otherwise."""
    token = _bearer_token(request.headers.get("authorization"))
    return await _verifier(request).verify(token)


def _bearer_token(header: str | None) -> str:
    scheme, _, token = (header or "").strip().partition(" ")
    token = token.strip()
    # RFC 6750: the scheme is case-insensitive and the token one word.
    if scheme.lower() != "bearer" or not token or " " in token:
        raise InvalidToken()
    return token


def _verifier(request: Request) -> TokenVerifier:
    verifier = getattr(getattr(request.app.state, "runtime", None), "token_verifier", None)
    if not isinstance(verifier, TokenVerifier):
        # A wiring bug, not the caller's fault: surfaces as a 500 with the request id.
        raise RuntimeError("app.state.runtime.token_verifier is not set (use build_runtime)")
    return verifier


CurrentUser = Annotated[Principal, Depends(current_principal)]


async def require_admin(principal: CurrentUser) -> Principal:
    if not principal.is_admin:
        raise AdminRequired()
    return principal


AdminUser = Annotated[Principal, Depends(require_admin)]


async def require_verified(principal: CurrentUser) -> Principal:
    """Deposits, bets and withdrawals need a verified email (ARCHITECTURE §5): 403 otherwise."""
    if not principal.email_verified:
        raise AccountUnverified()
    return principal


VerifiedUser = Annotated[Principal, Depends(require_verified)]
