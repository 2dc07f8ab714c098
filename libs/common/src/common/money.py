"""Money at the edges (ARCHITECTURE.md §4): integer minor units inside, two-decimal strings outside.

``parse_amount`` reads what a client sends (a JSON number or a string with at most two decimals, in
major units) into minor units; ``format_minor`` writes minor units as ``"5000.00"``. The pydantic
types wrap both for request and response models. Coupon maths and limits live in the services.

Input rules, strictly what §4 says: more than two digits after the point is rejected even when they
are zeros (``"1.000"``); no exponent (``"1e3"``), no leading ``+``, no ``".5"`` or ``"5."``, no
thousands separators; surrounding whitespace is ignored. A float is read through its shortest
``repr`` so ``10.01`` is exactly 1001 and ``0.1 + 0.2`` has too many decimals.
"""

from __future__ import annotations

import math
import re
from decimal import Decimal
from typing import Annotated, Any, Final

from pydantic import BeforeValidator, PlainSerializer, Strict, WithJsonSchema
from pydantic_core import PydanticCustomError

__all__ = [
    "MAX_AMOUNT_MINOR",
    "AmountMinor",
    "AmountMinorOrZero",
    "InvalidAmount",
    "MoneyStr",
    "format_minor",
    "parse_amount",
]

MINOR_PER_MAJOR: Final = 100
# 10 trillion in major units: far above any limit, far below where int64 columns or floats
# in a client would lose precision.
MAX_AMOUNT_MINOR: Final = 10**15
MAX_INPUT_CHARS: Final = 30
_MAX_AMOUNT_MAJOR: Final = Decimal(MAX_AMOUNT_MINOR).scaleb(-2)

_AMOUNT_RE: Final = re.compile(r"-?[0-9]+(?:\.[0-9]+)?", re.ASCII)
_NON_FINITE_RE: Final = re.compile(r"[+-]?(?:nan|snan|inf|infinity)", re.ASCII | re.IGNORECASE)


class InvalidAmount(ValueError):
    """An amount a client sent cannot be taken; ``reason`` is a stable short code.

    Codes: ``not_a_number``, ``not_finite``, ``too_long``, ``too_many_decimals``, ``negative``,
    ``zero``, ``too_large``.
    """

    def __init__(self, reason: str, message: str) -> None:
        super().__init__(f"{reason}: {message}")
        self.reason = reason
        self.message = message


def parse_amount(value: object, *, allow_zero: bool = False) -> int:
    """Read an amount in major units (``"12.50"``, ``12.5``, ``12``) into minor units (1250)."""
    amount = _to_decimal(value)
    if not amount.is_finite():
        raise InvalidAmount("not_finite", "amount must be a finite number")
    exponent = amount.as_tuple().exponent
    if isinstance(exponent, int) and exponent < -2:
        raise InvalidAmount("too_many_decimals", "amount must have at most two decimals")
    if amount < 0:
        raise InvalidAmount("negative", "amount must not be negative")
    if amount == 0 and not allow_zero:
        raise InvalidAmount("zero", "amount must be greater than zero")
    # Compared before scaling: the multiplication below is then exact (well under 28 digits).
    if amount > _MAX_AMOUNT_MAJOR:
        raise InvalidAmount("too_large", f"amount must be at most {format_minor(MAX_AMOUNT_MINOR)}")
    return int(amount * MINOR_PER_MAJOR)


def _to_decimal(value: object) -> Decimal:
    # bool is an int subclass: True must not become 0.01.
    if value is None or isinstance(value, bool):
        raise InvalidAmount("not_a_number", "amount must be a number or a decimal string")
    if isinstance(value, int):
        return Decimal(value)
    if isinstance(value, float):
        if not math.isfinite(value):
            raise InvalidAmount("not_finite", "amount must be a finite number")
        return Decimal(repr(value))
    if isinstance(value, Decimal):
        return value
    if isinstance(value, str):
        return _parse_text(value)
    raise InvalidAmount("not_a_number", "amount must be a number or a decimal string")


def _parse_text(text: str) -> Decimal:
    if len(text) > MAX_INPUT_CHARS:
        raise InvalidAmount("too_long", f"amount must be at most {MAX_INPUT_CHARS} characters")
    text = text.strip()
    if _AMOUNT_RE.fullmatch(text):
        return Decimal(text)
    if _NON_FINITE_RE.fullmatch(text):
        raise InvalidAmount("not_finite", "amount must be a finite number")
    raise InvalidAmount("not_a_number", 'amount must be a decimal like "12.50"')


def format_minor(amount_minor: int) -> str:
    """Write minor units as a two-decimal string: 500000 → ``"5000.00"``, -1250 → ``"-12.50"``."""
    if isinstance(amount_minor, bool) or not isinstance(amount_minor, int):
        raise TypeError(f"amount_minor must be an int, not {type(amount_minor).__name__}")
    sign = "-" if amount_minor < 0 else ""
    major, minor = divmod(abs(amount_minor), MINOR_PER_MAJOR)
    return f"{sign}{major}.{minor:02d}"


def _validator(*, allow_zero: bool) -> BeforeValidator:
    def validate(value: Any) -> int:
        try:
            return parse_amount(value, allow_zero=allow_zero)
        except InvalidAmount as exc:
            raise PydanticCustomError(
                "invalid_amount",
                "Invalid amount ({reason}): {detail}",
                {"reason": exc.reason, "detail": exc.message},
            ) from None

    return BeforeValidator(validate)


def _input_schema(*, allow_zero: bool) -> WithJsonSchema:
    least = "zero or more" if allow_zero else "more than zero"
    bound = "minimum" if allow_zero else "exclusiveMinimum"
    return WithJsonSchema(
        {
            "anyOf": [
                {"type": "string", "pattern": r"^\s*[0-9]+(\.[0-9]{1,2})?\s*$"},
                {"type": "number", bound: 0},
            ],
            "description": f"Amount in major units, {least}, at most two decimals.",
            "examples": ["5000.00"],
        },
        mode="validation",
    )


_AS_STRING = PlainSerializer(format_minor, return_type=str)

# Request fields: the client sends major units ("5000.00" or 5000); the attribute holds minor units
# (500000) and serialises back to "5000.00", so dumping and re-validating gives the same value.
AmountMinor = Annotated[
    int, _validator(allow_zero=False), _AS_STRING, _input_schema(allow_zero=False)
]
AmountMinorOrZero = Annotated[
    int, _validator(allow_zero=True), _AS_STRING, _input_schema(allow_zero=True)
]

# Response fields: set from minor units (an int, strictly), shown as "5000.00"; may be negative.
MoneyStr = Annotated[
    int,
    Strict(),
    _AS_STRING,
    WithJsonSchema(
        {"type": "string", "pattern": r"^-?[0-9]+\.[0-9]{2}$", "examples": ["5000.00"]},
        mode="serialization",
    ),
]
