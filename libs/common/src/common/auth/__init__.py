"""Access tokens: verification, the session deny-list, and the FastAPI dependencies."""

from common.auth.deps import (
    AdminUser,
    CurrentUser,
    VerifiedUser,
    current_principal,
    require_admin,
    require_verified,
)
from common.auth.revocation import RevocationList
from common.auth.tokens import (
    AccountUnverified,
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
    "AccountUnverified",
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
    "VerifiedUser",
    "current_principal",
    "parse_jwks",
    "require_admin",
    "require_verified",
]
