"""Periodic jobs of the reports (issue 9): monthly statements, expired report files."""

from __future__ import annotations

from common.runtime import PeriodicSpec
from wallet.settings import Settings


def report_periodic_jobs(settings: Settings) -> list[PeriodicSpec]:
    return []
