"""Who may call what: public routes, bearer verification at the edge, admin routes.

Every ``/api/*`` path that is not public needs a valid access token (verified with the shared
``TokenVerifier``: signature via JWKS, algorithm allow-list, ``aud``/``iss``/``exp``, and the
Redis deny-list of signed-out sessions); ``/api/<service>/admin/*`` also needs role ``admin``.
"""

from __future__ import annotations

import re

from fastapi import Request

from common.auth.tokens import AdminRequired, InvalidToken, Principal, TokenVerifier

_READ = frozenset({"GET", "HEAD"})
_ANY = frozenset({"GET", "HEAD", "POST", "PUT", "PATCH", "DELETE"})

# (methods, full-path pattern): reachable without a token.
PUBLIC_ROUTES: tuple[tuple[frozenset[str], re.Pattern[str]], ...] = (
    (
        frozenset({"POST"}),
        re.compile(
            r"/api/auth/(sign-up|sign-in|refresh|forgot-password|reset-password"
            r"|verify-email|verify-email/resend|2fa/verify)"
        ),
    ),
    (_READ, re.compile(r"/api/auth/[A-Za-z0-9_-]+/(authorize|callback)")),
    # An <img> sends no bearer token; each upload gets a new random name (auth's docs).
    (_READ, re.compile(r"/api/auth/avatars/[^/]+/[^/]+")),
    (_READ, re.compile(r"/api/auth/\.well-known/jwks\.json")),
    # Event reads: listing, live, sports, leagues, by-sport, by-league, one event, odds history.
    (_READ, re.compile(r"/api/events(/(?!admin(/|$))[^?]*)?")),
    # An anonymous visitor's bet slip: the potential win is arithmetic on the query alone.
    (frozenset({"GET"}), re.compile(r"/api/bets/calculate")),
    (frozenset({"POST"}), re.compile(r"/api/webhook/(events|stripe)(/.*)?")),
    # A partner's server-to-server postback: its HMAC signature is the credential (partners).
    (frozenset({"POST"}), re.compile(r"/api/postback/[A-Za-z0-9_-]{1,64}")),
    (_READ, re.compile(r"/api/postback/health")),
    # Report downloads: a browser follows a plain link; its HMAC signature is the credential.
    (_READ, re.compile(r"/api/wallet/reports/[^/]+/download")),
)
_ADMIN = re.compile(r"/api/[^/]+/admin(/.*)?")


def is_public(method: str, path: str) -> bool:
    return any(method in methods and p.fullmatch(path) for methods, p in PUBLIC_ROUTES)


def is_admin_route(path: str) -> bool:
    return _ADMIN.fullmatch(path) is not None


def bearer_token(request: Request) -> str | None:
    header = request.headers.get("authorization", "")
    scheme, _, token = header.partition(" ")
    if scheme.lower() != "bearer" or not token.strip():
        return None
    return token.strip()


async def authorize(verifier: TokenVerifier, request: Request) -> Principal | None:
    """The caller's principal (``None`` on a public route); raises 401/403 ``DomainError``s."""
    path = request.url.path
    if is_public(request.method, path):
        return None
    token = bearer_token(request)
    if token is None:
        raise InvalidToken()
    principal = await verifier.verify(token)
    if is_admin_route(path) and not principal.is_admin:
        raise AdminRequired()
    return principal
