"""Catalogue rules: team names, the event's display name, sport/league slugs."""

from __future__ import annotations

import re
import unicodedata
from typing import Final

from events.domain.errors import TeamsInvalid

TEAM_MAX_CHARS: Final = 100
_SPACES = re.compile(r"\s+")


def clean_team(name: str) -> str:
    cleaned = _SPACES.sub(" ", name).strip()
    if not cleaned or len(cleaned) > TEAM_MAX_CHARS or not cleaned.isprintable():
        raise TeamsInvalid(f"A team name is 1 to {TEAM_MAX_CHARS} printable characters.")
    return cleaned


def check_teams(home: str, away: str) -> tuple[str, str]:
    home, away = clean_team(home), clean_team(away)
    if home.casefold() == away.casefold():
        raise TeamsInvalid("Home and away teams must differ.")
    return home, away


def event_name(home: str, away: str) -> str:
    """What a person reads, as in every bet message: ``Real Madrid \u2013 Barcelona``."""
    return f"{home} \u2013 {away}"  # an en dash, as in ARCHITECTURE.md §2


def slugify(name: str) -> str:
    """``Premier League`` → ``premier-league`` (ASCII, for URLs)."""
    ascii_name = unicodedata.normalize("NFKD", name).encode("ascii", "ignore").decode()
    return re.sub(r"[^a-z0-9]+", "-", ascii_name.lower()).strip("-")
