"""Errors of the events service: ``<Noun><Problem>`` with stable ``events.…`` codes.

The HTTP edge answers each with the status it declares, in the one error shape.
"""

from __future__ import annotations

from common.errors import Conflict, DomainError, NotFound


class _Unprocessable(DomainError):
    status_code = 422


# catalogue ----------------------------------------------------------------------------------
class SportNotFound(NotFound):
    code = "events.sport_not_found"
    default_message = "No such sport."


class SportUnknown(_Unprocessable):
    """A request body names a sport that does not exist (a 422: the body is wrong, not the URL)."""

    code = "events.sport_unknown"
    default_message = "Unknown sport."


class LeagueNotFound(NotFound):
    code = "events.league_not_found"
    default_message = "No such league."


class LeagueUnknown(_Unprocessable):
    code = "events.league_unknown"
    default_message = "Unknown league for this sport."


# events -------------------------------------------------------------------------------------
class EventNotFound(NotFound):
    code = "events.event_not_found"
    default_message = "Event not found."


class ExternalEventNotFound(NotFound):
    code = "events.external_event_not_found"
    default_message = "No event has this external_event_id."


class ExternalEventIdTaken(Conflict):
    code = "events.external_event_id_taken"
    default_message = "Another event already has this external_event_id."


class EventStartInPast(_Unprocessable):
    code = "events.start_in_past"
    default_message = "The event's start time must be in the future."


class TeamsInvalid(_Unprocessable):
    code = "events.teams_invalid"
    default_message = "Home and away teams must be two different, non-empty names."


class TransitionNotAllowed(Conflict):
    code = "events.transition_not_allowed"
    default_message = "The event's status does not allow this action."


class EventClosed(Conflict):
    code = "events.event_closed"
    default_message = "The event is finished or cancelled: its markets and odds are closed."


class EventAlreadySettled(Conflict):
    code = "events.already_settled"
    default_message = "The event is already settled; send force=true to correct the result."


class EventHasBets(Conflict):
    code = "events.event_has_bets"
    default_message = "The event has bets and cannot be deleted; cancel it instead."


class ScoreInvalid(_Unprocessable):
    code = "events.score_invalid"
    default_message = "Scores are whole numbers from 0."


# markets and odds ---------------------------------------------------------------------------
class MarketTypeUnknown(_Unprocessable):
    code = "events.market_type_unknown"
    default_message = "Unknown market type."


class MarketLineInvalid(_Unprocessable):
    code = "events.market_line_invalid"
    default_message = "This market's line is missing or not valid."


class MarketSelectionsInvalid(_Unprocessable):
    code = "events.market_selections_invalid"
    default_message = "A market is created with every one of its selections, each once."


class MarketExists(Conflict):
    code = "events.market_exists"
    default_message = "The event already has this market."


class MarketNotFound(NotFound):
    code = "events.market_not_found"
    default_message = "Market not found."


class OddsNotFound(NotFound):
    code = "events.odds_not_found"
    default_message = "Odds not found."


class CoefficientInvalid(_Unprocessable):
    code = "events.coefficient_invalid"
    default_message = "Odds are decimal, greater than 1.000, with at most three decimals."

    def __init__(self, reason: str, message: str | None = None) -> None:
        super().__init__(message, details={"reason": reason})
        self.reason = reason


# results feed -------------------------------------------------------------------------------
class FeedSignatureInvalid(DomainError):
    status_code = 401
    code = "events.feed_signature_invalid"
    default_message = "The feed signature is missing, not valid or too old."


class FeedReplayed(Conflict):
    code = "events.feed_replayed"
    default_message = "This feed_message_id was already applied."


class FeedDataInvalid(_Unprocessable):
    code = "events.feed_data_invalid"
    default_message = "The feed message's data does not fit its type."
