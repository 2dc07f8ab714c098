"""Email addresses as auth stores and compares them."""

from __future__ import annotations

from email_validator import EmailNotValidError, validate_email

from auth.domain.errors import EmailInvalid

MAX_LENGTH = 320


def normalise_email(raw: str) -> str:
    """Syntax-checked, trimmed and lower-cased as a whole, local part included.

    RFC 5321 lets a server treat the local part case-sensitively, but no mainstream provider
    does, and two accounts for ``Ivan@x.com`` and ``ivan@x.com`` would be a trap. The domain is
    IDNA-normalised by ``email_validator``. No DNS lookup happens here.
    """
    candidate = raw.strip()
    if not candidate or len(candidate) > MAX_LENGTH:
        raise EmailInvalid()
    try:
        checked = validate_email(candidate, check_deliverability=False)
    except EmailNotValidError as exc:
        raise EmailInvalid(str(exc)) from None
    return checked.normalized.lower()


def normalise_email_lookup(raw: str) -> str | None:
    """The stored form of ``raw`` for a lookup, or None when it cannot be anyone's address."""
    try:
        return normalise_email(raw)
    except EmailInvalid:
        return None
