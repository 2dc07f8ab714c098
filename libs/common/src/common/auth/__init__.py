"""Access tokens: verification, the session deny-list, and the FastAPI dependencies."""

from common.auth.deps import AdminUser, CurrentUser, current_principal, require_admin
from common.auth.revocation import RevocationList
from common.auth.tokens import (
    AdminRequired,
    InvalidToken,
    JwksKeySource,
    KeySource,
    Principal,
    SessionRevoked,
    StaticKeySource,
    TokenVerifier,
    VerificationUnavailable,
    parse_jwks,
)

__all__ = [
    "AdminRequired",
    "AdminUser",
    "CurrentUser",
    "InvalidToken",
    "JwksKeySource",
    "KeySource",
    "Principal",
    "RevocationList",
    "SessionRevoked",
    "StaticKeySource",
    "TokenVerifier",
    "VerificationUnavailable",
    "current_principal",
    "parse_jwks",
    "require_admin",
]
