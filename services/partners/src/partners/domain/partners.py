"""Partner records: the id's shape, the secret's strength, the URL templates."""

from __future__ import annotations

import re
from collections.abc import Mapping
from typing import Final

from common.errors import DomainError
from partners.domain.errors import InvalidTemplate
from partners.domain.templates import OUTBOUND_EVENTS, validate_template

PARTNER_ID: Final = re.compile(r"^[a-z0-9][a-z0-9_-]{1,49}$")
MIN_SECRET_CHARS: Final = 32
MAX_SECRET_CHARS: Final = 256


def validate_urls(urls: Mapping[str, str | None]) -> dict[str, str]:
    """Templates by event; an event set to null or "" has none. Unknown events are refused."""
    unknown = sorted(set(urls) - set(OUTBOUND_EVENTS))
    if unknown:
        raise InvalidTemplate(
            "Unknown event(s) in urls.",
            details={"unknown": unknown, "known": list(OUTBOUND_EVENTS)},
        )
    checked: dict[str, str] = {}
    for event, template in urls.items():
        if template:
            try:
                checked[event] = validate_template(template)
            except DomainError as exc:  # InvalidTemplate, UnknownMacro: say which event
                exc.details = {**(exc.details or {}), "event": event}
                raise
    return checked
