"""Outbound postback URL templates: ``https://t.example/pb?cid={click_id}&sum={amount}``.

Macros are ``{name}``; each value is URL-encoded (``quote(value, safe="")``) when substituted, so
a value can never add a parameter or change the path. A template names only known macros and is
an absolute http(s) URL; both are checked when it is saved (422), not when it is sent.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from typing import Final, Literal, get_args
from urllib.parse import quote, urlsplit

from partners.domain.errors import InvalidTemplate, UnknownMacro

OutboundEvent = Literal["registration", "first_deposit", "deposit", "withdrawal", "win"]
OUTBOUND_EVENTS: Final[tuple[str, ...]] = get_args(OutboundEvent)
MACROS: Final = frozenset({"click_id", "user_id", "amount", "currency", "event", "transaction_id"})
MAX_TEMPLATE_CHARS: Final = 2000
_MACRO = re.compile(r"\{([^{}]*)\}")


def macros_in(template: str) -> list[str]:
    return _MACRO.findall(template)


def validate_template(template: str) -> str:
    """The template if it is usable; else ``UnknownMacro`` / ``InvalidTemplate`` (422)."""
    if not template or len(template) > MAX_TEMPLATE_CHARS or template != template.strip():
        raise InvalidTemplate(details={"max_chars": MAX_TEMPLATE_CHARS})
    unknown = sorted({m for m in macros_in(template) if m not in MACROS})
    if unknown:
        raise UnknownMacro(
            f"Unknown macro(s): {', '.join('{' + m + '}' for m in unknown)}.",
            details={"unknown": unknown, "known": sorted(MACROS)},
        )
    sample = render(template, dict.fromkeys(MACROS, "x"))
    if "{" in sample or "}" in sample:
        raise InvalidTemplate("The template has an unbalanced brace.")
    parts = urlsplit(sample)
    if parts.scheme not in ("http", "https") or not parts.hostname:
        raise InvalidTemplate("The template must be an absolute http:// or https:// URL.")
    if any(c.isspace() for c in sample):
        raise InvalidTemplate("The template must not contain spaces.")
    return template


def render(template: str, values: Mapping[str, str | None]) -> str:
    """Substitute every known macro, URL-encoded; a missing value renders as empty."""

    def value(match: re.Match[str]) -> str:
        name = match.group(1)
        if name not in MACROS:
            return match.group(0)
        return quote(values.get(name) or "", safe="")

    return _MACRO.sub(value, template)
