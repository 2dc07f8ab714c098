"""The packages' periodic jobs (issue 22): lapses and notices, under ADR 0004's advisory lock."""

from __future__ import annotations

from common.runtime import PeriodicSpec
from wallet.settings import Settings


def package_periodic_jobs(settings: Settings) -> list[PeriodicSpec]:
    return []
