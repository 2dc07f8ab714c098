"""notifications subscriptions: {message model: handler}. The queue's bindings come from this table.

``subscriptions(telegram_enabled=…)`` is what the composition root wires; ``SUBSCRIPTIONS`` is
the same table with Telegram off (for tools that only need the message types).
"""

from __future__ import annotations

from functools import partial

from common.contracts.auth import (
    LanguageChanged,
    UserRegistered,
    UserSelfExcluded,
    UserTimedOut,
)
from common.contracts.bets import BetSettled, LossLimitChanged
from common.contracts.wallet import (
    DepositCompleted,
    DepositFailed,
    DepositLimitChanged,
    PackageNotice,
    SubscriptionSuspended,
    WithdrawalCompleted,
    WithdrawalRejected,
    WithdrawalRequested,
)
from common.messaging.consumer import Subscriptions
from notifications.service_layer import consume

NOTICES = (
    DepositCompleted,
    DepositFailed,
    WithdrawalRequested,
    WithdrawalCompleted,
    WithdrawalRejected,
    BetSettled,
    SubscriptionSuspended,
    PackageNotice,
    LossLimitChanged,
    DepositLimitChanged,
    UserTimedOut,
    UserSelfExcluded,
)


def subscriptions(*, telegram_enabled: bool) -> Subscriptions:
    notice = partial(consume.on_notice, telegram_enabled=telegram_enabled)
    return {
        UserRegistered: consume.on_user_registered,
        LanguageChanged: consume.on_language_changed,
        **dict.fromkeys(NOTICES, notice),
    }


SUBSCRIPTIONS: Subscriptions = subscriptions(telegram_enabled=False)
