"""partners subscriptions: {message model: handler}. The queue's bindings come from this table.

It only consumes: sign-ups with an affiliate id, deposits, withdrawals and won bets."""

from __future__ import annotations

from collections.abc import Callable
from datetime import UTC, datetime, timedelta

from common.messaging.consumer import Subscriptions
from partners.service_layer.outbound import BusHandlers, subscriptions

DEFAULT_WIN_WINDOW = timedelta(minutes=5)


def subscriptions_for(clock: Callable[[], datetime], win_window: timedelta) -> Subscriptions:
    return subscriptions(BusHandlers(clock=clock, win_window=win_window))


SUBSCRIPTIONS: Subscriptions = subscriptions_for(lambda: datetime.now(UTC), DEFAULT_WIN_WINDOW)
