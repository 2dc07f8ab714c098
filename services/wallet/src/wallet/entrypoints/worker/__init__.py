"""wallet subscriptions: {message model: handler}. The queue's bindings come from this table.

``subscriptions(currency, max_payout_minor=…)`` is what the composition root wires;
``SUBSCRIPTIONS`` is the same table with the defaults (for tools that only need the message types).
"""

from __future__ import annotations

from functools import partial

from common.contracts.auth import (
    AccountClosureRequested,
    UserBlocked,
    UserRegistered,
    UserUnblocked,
)
from common.contracts.bets import (
    BetCancelled,
    BetPlaced,
    BetResettled,
    BetSettled,
    ReleaseStake,
    ReserveStake,
)
from common.messaging.consumer import Subscriptions
from wallet.domain.payouts import DEFAULT_MAX_PAYOUT_MINOR
from wallet.service_layer import closure, saga


def subscriptions(
    currency: str, *, max_payout_minor: int = DEFAULT_MAX_PAYOUT_MINOR
) -> Subscriptions:
    return {
        UserRegistered: partial(saga.on_user_registered, currency=currency),
        UserBlocked: partial(saga.on_user_blocked, currency=currency),
        UserUnblocked: partial(saga.on_user_unblocked, currency=currency),
        AccountClosureRequested: partial(closure.on_account_closure_requested, currency=currency),
        ReserveStake: saga.on_reserve_stake,
        ReleaseStake: saga.on_release_stake,
        BetPlaced: saga.on_bet_placed,
        BetSettled: partial(saga.on_bet_settled, max_payout_minor=max_payout_minor),
        BetCancelled: saga.on_bet_cancelled,
        BetResettled: partial(saga.on_bet_resettled, max_payout_minor=max_payout_minor),
    }


SUBSCRIPTIONS: Subscriptions = subscriptions("USD")
