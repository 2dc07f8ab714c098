"""bets subscriptions: {message model: handler}. The queue's bindings come from this table."""

from __future__ import annotations

from bets.service_layer import read_model, responsible_gambling, saga_batch, settlement
from common.contracts.auth import UserSelfExcluded, UserTimedOut
from common.contracts.events import (
    EventCancelled,
    EventCreated,
    EventResettled,
    EventSettled,
    EventStatusChanged,
    EventUpdated,
    MarketChanged,
    OddsChanged,
)
from common.contracts.wallet import StakeReservationRejected, StakeReserved
from common.messaging.consumer import Subscriptions

SUBSCRIPTIONS: Subscriptions = {
    EventCreated: read_model.on_event_snapshot,
    EventUpdated: read_model.on_event_snapshot,
    EventStatusChanged: read_model.on_event_status_changed,
    MarketChanged: read_model.on_market_changed,
    OddsChanged: read_model.on_odds_changed,
    # One Batched for both replies: a run of them is decided by the set (saga_batch.py).
    StakeReserved: saga_batch.WALLET_REPLIES,
    StakeReservationRejected: saga_batch.WALLET_REPLIES,
    EventSettled: settlement.on_event_settled,
    EventResettled: settlement.on_event_resettled,
    EventCancelled: settlement.on_event_cancelled,
    # auth's time-outs and self-exclusions: the read model placement refuses from (issue 23).
    UserTimedOut: responsible_gambling.on_user_restricted,
    UserSelfExcluded: responsible_gambling.on_user_restricted,
}
