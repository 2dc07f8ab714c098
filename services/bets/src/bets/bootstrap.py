"""Composition root of the bets service."""

from __future__ import annotations

from bets.entrypoints.worker import SUBSCRIPTIONS
from bets.settings import Settings
from common.runtime import ServiceRuntime, build_runtime


def build(settings: Settings) -> ServiceRuntime:
    return build_runtime(settings, subscriptions=SUBSCRIPTIONS)
