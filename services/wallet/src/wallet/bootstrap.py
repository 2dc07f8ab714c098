"""Composition root of the wallet service."""

from __future__ import annotations

from common.runtime import ServiceRuntime, build_runtime
from wallet.entrypoints.worker import SUBSCRIPTIONS
from wallet.settings import Settings


def build(settings: Settings) -> ServiceRuntime:
    return build_runtime(settings, subscriptions=SUBSCRIPTIONS)
