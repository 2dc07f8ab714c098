"""Password policy: length bounds and the bundled list of common passwords.

The list is Django's ``common-passwords.txt.gz`` (about 20 000 passwords, BSD licence, see
``services/auth/NOTICE``), read once per process into a frozenset.
"""

from __future__ import annotations

import gzip
from functools import cache
from importlib.resources import files

from auth.domain.errors import PasswordTooCommon, PasswordTooLong, PasswordTooShort

MIN_LENGTH = 8
# Long enough for any passphrase, short enough that hashing it is never a denial of service.
MAX_LENGTH = 256


@cache
def common_passwords() -> frozenset[str]:
    data = files("auth.domain").joinpath("common-passwords.txt.gz").read_bytes()
    return frozenset(line.strip() for line in gzip.decompress(data).decode().splitlines())


def is_common(password: str) -> bool:
    return password.lower().strip() in common_passwords()


def check_new_password(password: str) -> None:
    """Raise if ``password`` may not be chosen; compared as Django does (lower-cased, stripped)."""
    if len(password) < MIN_LENGTH:
        raise PasswordTooShort(
            f"The password needs at least {MIN_LENGTH} characters.",
            details={"min_length": MIN_LENGTH},
        )
    if len(password) > MAX_LENGTH:
        raise PasswordTooLong(
            f"The password may have at most {MAX_LENGTH} characters.",
            details={"max_length": MAX_LENGTH},
        )
    if is_common(password):
        raise PasswordTooCommon()
