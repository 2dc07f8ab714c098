"""wallet subscriptions: {message model: handler}. The queue's bindings come from this table.

``subscriptions(currency)`` is what the composition root wires; ``SUBSCRIPTIONS`` is the same
table with the default currency (for tools that only need the message types).
"""

from __future__ import annotations

from functools import partial

from common.contracts.auth import UserBlocked, UserRegistered
from common.contracts.bets import (
    BetCancelled,
    BetPlaced,
    BetResettled,
    BetSettled,
    ReleaseStake,
    ReserveStake,
)
from common.messaging.consumer import Subscriptions
from wallet.service_layer import saga


def subscriptions(currency: str) -> Subscriptions:
    return {
        UserRegistered: partial(saga.on_user_registered, currency=currency),
        UserBlocked: partial(saga.on_user_blocked, currency=currency),
        ReserveStake: saga.on_reserve_stake,
        ReleaseStake: saga.on_release_stake,
        BetPlaced: saga.on_bet_placed,
        BetSettled: saga.on_bet_settled,
        BetCancelled: saga.on_bet_cancelled,
        BetResettled: saga.on_bet_resettled,
    }


SUBSCRIPTIONS: Subscriptions = subscriptions("USD")
