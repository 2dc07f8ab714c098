"""wallet subscriptions: {message model: handler}. The queue's bindings come from this table.

``subscriptions(currency, max_payout_minor=…)`` is what the composition root wires;
``SUBSCRIPTIONS`` is the same table with the defaults (for tools that only need the message types).
The bets' messages — the four money messages of the stake saga and BetPlaced/BetCancelled (read
model only) — share ONE batch handler (``saga_batch``): the consumer hands it each run of them
at once, applied set-based in the batch's transaction. One handler for all six, because the bets
service sends them interleaved (a BetPlaced beside the next bet's ReserveStake, a BetCancelled
beside its ReleaseStake): two handlers would cut every run into runs of one.
"""

from __future__ import annotations

from functools import partial

from common.contracts.auth import (
    AccountClosureRequested,
    UserBlocked,
    UserRegistered,
    UserSelfExcluded,
    UserTimedOut,
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
from common.messaging.consumer import Batched, Subscriptions
from wallet.domain.payouts import DEFAULT_MAX_PAYOUT_MINOR
from wallet.service_layer import closure, responsible_gambling, saga, saga_batch


def subscriptions(
    currency: str, *, max_payout_minor: int = DEFAULT_MAX_PAYOUT_MINOR
) -> Subscriptions:
    bets = Batched(partial(saga_batch.on_saga_batch, max_payout_minor=max_payout_minor))
    return {
        UserRegistered: partial(saga.on_user_registered, currency=currency),
        UserBlocked: partial(saga.on_user_blocked, currency=currency),
        UserUnblocked: partial(saga.on_user_unblocked, currency=currency),
        AccountClosureRequested: partial(closure.on_account_closure_requested, currency=currency),
        UserTimedOut: responsible_gambling.on_user_timed_out,
        UserSelfExcluded: responsible_gambling.on_user_self_excluded,
        ReserveStake: bets,
        ReleaseStake: bets,
        BetPlaced: bets,
        BetSettled: bets,
        BetCancelled: bets,
        BetResettled: bets,
    }


SUBSCRIPTIONS: Subscriptions = subscriptions("USD")
