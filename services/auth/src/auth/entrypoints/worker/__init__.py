"""auth subscriptions: {message model: handler}. The queue's bindings come from this table.

``subscriptions(access_ttl_s)`` is what the composition root wires (it attaches the closure
handler to the deny-list); ``SUBSCRIPTIONS`` is the same table with the defaults (for tools
that only need the message types).
"""

from __future__ import annotations

from auth.service_layer.closure import ClosureCompletion
from common.contracts.wallet import AccountSettledForClosure
from common.messaging.consumer import Subscriptions


def subscriptions(completion: ClosureCompletion) -> Subscriptions:
    return {AccountSettledForClosure: completion}


SUBSCRIPTIONS: Subscriptions = subscriptions(ClosureCompletion(access_ttl_s=900))
