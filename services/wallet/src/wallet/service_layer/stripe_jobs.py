"""Periodic jobs of the Stripe deposits (issue 8): reconciliation with Stripe, expiry."""

from __future__ import annotations

from common.runtime import PeriodicSpec
from wallet.settings import Settings


def stripe_periodic_jobs(settings: Settings) -> list[PeriodicSpec]:
    return []
