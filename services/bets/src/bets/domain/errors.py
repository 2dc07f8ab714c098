"""Errors of the bets service: ``<Noun><Problem>`` with stable ``bet.…`` codes.

The HTTP edge answers each with the status it declares, in the one error shape.
"""

from __future__ import annotations

from common.errors import Conflict, DomainError, Forbidden, NotFound


class _Unprocessable(DomainError):
    status_code = 422


class BetNotFound(NotFound):
    code = "bet.not_found"
    default_message = "No such bet."


class StakeBelowMinimum(_Unprocessable):
    code = "bet.stake_below_minimum"
    default_message = "The stake is below the minimum."


class StakeAboveMaximum(_Unprocessable):
    code = "bet.stake_above_maximum"
    default_message = "The stake is above the maximum."


class PayoutAboveMaximum(_Unprocessable):
    code = "bet.payout_above_maximum"
    default_message = "The potential payout is above the maximum per bet."


class CouponTooFewLegs(_Unprocessable):
    code = "bet.coupon_too_few_legs"
    default_message = "A coupon needs more legs."


class CouponTooManyLegs(_Unprocessable):
    code = "bet.coupon_too_many_legs"
    default_message = "A coupon has too many legs."


class CouponDuplicateEvent(_Unprocessable):
    code = "bet.coupon_duplicate_event"
    default_message = "A coupon takes one leg per event."


class SelectionNotFound(_Unprocessable):
    code = "bet.selection_not_found"
    default_message = "No such selection on this event."


class EventNotOpen(Conflict):
    code = "bet.event_not_open"
    default_message = "The event is not open for betting."


class EventStarted(Conflict):
    code = "bet.event_started"
    default_message = "The event has started."


class MarketSuspended(Conflict):
    code = "bet.market_suspended"
    default_message = "The market is suspended."


class OddsChanged(Conflict):
    code = "bet.odds_changed"
    default_message = "The odds changed."


class BetNotCancellable(Conflict):
    code = "bet.not_cancellable"
    default_message = "Only an open bet can be cancelled."


class BetTransitionNotAllowed(Conflict):
    code = "bet.transition_not_allowed"
    default_message = "The bet's status does not allow this change."


# --- responsible gambling (issue 23): enforced here, whatever the client shows --------------


class AccountRestricted(Forbidden):
    """A time-out or self-exclusion (auth's) is in force: no new bet until ``details.until``."""

    code = "bet.account_restricted"
    default_message = "Betting is paused on this account (time-out or self-exclusion)."


class LossLimitReached(Forbidden):
    code = "bet.loss_limit_reached"
    default_message = "This stake would take the loss past the user's loss limit."
