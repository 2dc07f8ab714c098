"""Which bus message tells a user what: the ``Notice`` a message's payload gives, or ``None``
when the user is told nothing (a lost or void bet, a package running out)."""

from __future__ import annotations

from pydantic import BaseModel

from common.contracts import LimitAmount
from common.contracts import auth as auth_messages
from common.contracts import bets as bets_messages
from common.contracts import wallet as wallet_messages
from notifications.domain.notices import Notice, money, when

MAX_COUPON_EVENTS = 3


def _limit(limit: LimitAmount) -> str:
    return money(limit.amount_minor, limit.currency)


def _bet(legs: list[bets_messages.BetLeg]) -> str:
    if len(legs) == 1:
        leg = legs[0]
        return f"{leg.event_name} ({leg.market}: {leg.selection})"
    names = [leg.event_name for leg in legs[:MAX_COUPON_EVENTS]]
    more = len(legs) - len(names)
    return "; ".join(names) + (f" +{more}" if more else "")


def notice_for(payload: BaseModel) -> Notice | None:
    """The notice a message gives its user, or ``None`` (nothing to say)."""
    match payload:
        case (
            wallet_messages.DepositCompleted()
            | wallet_messages.WithdrawalRequested()
            | (wallet_messages.WithdrawalCompleted())
        ):
            amount = money(payload.amount_minor, payload.currency)
            return Notice(payload.user_id, type(payload).__name__, {"amount": amount})
        case wallet_messages.DepositFailed():
            amount = money(payload.amount_minor, payload.currency)
            return Notice(payload.user_id, "DepositFailed", {"amount": amount})
        case wallet_messages.WithdrawalRejected():
            values = {"amount": money(payload.amount_minor, payload.currency)}
            return Notice(
                payload.user_id, "WithdrawalRejected", values | {"reason": payload.reason}
            )
        case bets_messages.BetSettled():
            if payload.result != "won":
                return None
            values = {
                "payout": money(payload.payout_minor, payload.currency),
                "stake": money(payload.stake_minor, payload.currency),
                "bet": _bet(payload.legs),
            }
            return Notice(payload.user_id, "BetWon", values)
        case wallet_messages.SubscriptionSuspended():
            values = {
                "price": money(payload.price_minor, payload.currency),
                "access_ends_at": when(payload.access_ends_at),
            }
            return Notice(payload.user_id, "SubscriptionSuspended", values)
        case wallet_messages.PackageNotice():
            if payload.kind != "expiring_soon":
                return None
            values = {"units_left": str(payload.units_left), "expires_at": when(payload.expires_at)}
            return Notice(payload.user_id, "PackageExpiringSoon", values)
        case bets_messages.LossLimitChanged() | wallet_messages.DepositLimitChanged():
            prefix = (
                "LossLimit"
                if isinstance(payload, bets_messages.LossLimitChanged)
                else ("DepositLimit")
            )
            values = {"period": payload.period, "effective_at": when(payload.effective_at)}
            if payload.limit is None:
                return Notice(payload.user_id, f"{prefix}Removed", values)
            return Notice(
                payload.user_id, f"{prefix}Set", values | {"limit": _limit(payload.limit)}
            )
        case auth_messages.UserTimedOut() | auth_messages.UserSelfExcluded():
            return Notice(payload.user_id, type(payload).__name__, {"until": when(payload.until)})
    return None
