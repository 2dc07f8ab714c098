"""The partners service's refusals: one stable code each (the web app words them)."""

from __future__ import annotations

from common.errors import DomainError, NotFound


class UnknownPartner(NotFound):
    code = "partners.unknown_partner"
    default_message = "No such active partner."


class PartnerExists(DomainError):
    status_code = 409
    code = "partners.partner_exists"
    default_message = "A partner with this id already exists."


class BadSignature(DomainError):
    status_code = 401
    code = "partners.bad_signature"
    default_message = "The postback signature is missing or does not match."


class StaleSignature(DomainError):
    status_code = 401
    code = "partners.stale_signature"
    default_message = "The postback timestamp is outside the accepted tolerance."


class UnknownEvent(DomainError):
    status_code = 422
    code = "partners.unknown_event"
    default_message = "Unknown postback event."


class InvalidPostback(DomainError):
    status_code = 422
    code = "partners.invalid_postback"
    default_message = "The postback's parameters are invalid."


class UnknownPlayer(NotFound):
    code = "partners.unknown_player"
    default_message = "No user of ours matches this postback."


class InvalidTemplate(DomainError):
    status_code = 422
    code = "partners.invalid_template"
    default_message = "The postback URL template is invalid."


class UnknownMacro(DomainError):
    status_code = 422
    code = "partners.unknown_macro"
    default_message = "The postback URL template uses an unknown macro."


class NoTemplate(DomainError):
    status_code = 422
    code = "partners.no_template"
    default_message = "The partner has no postback URL for this event."


class InvalidCursor(DomainError):
    status_code = 422
    code = "partners.invalid_cursor"
    default_message = "The cursor is invalid."


class PlayerAlreadyLinked(DomainError):
    status_code = 409
    code = "partners.player_already_linked"
    default_message = "This player id is already linked to another user of ours."
