"""events subscriptions: {message model: handler}. The queue's bindings come from this table."""

from __future__ import annotations

from common.messaging.consumer import Subscriptions

SUBSCRIPTIONS: Subscriptions = {}
