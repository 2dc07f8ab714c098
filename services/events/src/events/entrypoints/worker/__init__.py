"""events subscriptions: {message model: handler}. The queue's bindings come from this table."""

from __future__ import annotations

from common.contracts.bets import BetPlaced
from common.messaging.consumer import Batched, Subscriptions
from events.service_layer import bet_counts

SUBSCRIPTIONS: Subscriptions = {BetPlaced: Batched(bet_counts.on_bets_placed)}
