"""Stripe's documented test cards, test PaymentMethod ids and test tokens."""

from __future__ import annotations

import hashlib
from dataclasses import dataclass
from enum import Enum


class Outcome(Enum):
    SUCCEED = "succeed"
    DECLINE = "decline"
    # 3-D Secure: a challenge on-session; an `authentication_required` decline off-session.
    AUTHENTICATE = "authenticate"


@dataclass(frozen=True)
class TestCard:
    number: str
    brand: str
    outcome: Outcome
    decline_code: str | None = None
    error_code: str = "card_declined"
    message: str = ""
    funding: str = "credit"
    country: str = "US"

    @property
    def last4(self) -> str:
        return self.number[-4:]

    @property
    def fingerprint(self) -> str:
        # Stable per card number, like Stripe's: the same card saved twice is recognisable.
        return hashlib.sha256(self.number.encode()).hexdigest()[:16]


_DECLINED = "Your card was declined."
CARDS: dict[str, TestCard] = {
    card.number: card
    for card in (
        TestCard("4242424242424242", "visa", Outcome.SUCCEED),
        TestCard("4000056655665556", "visa", Outcome.SUCCEED, funding="debit"),
        TestCard("5555555555554444", "mastercard", Outcome.SUCCEED),
        TestCard("378282246310005", "amex", Outcome.SUCCEED),
        TestCard(
            "4000000000009995",
            "visa",
            Outcome.DECLINE,
            decline_code="insufficient_funds",
            message="Your card has insufficient funds.",
        ),
        TestCard(
            "4000000000000002",
            "visa",
            Outcome.DECLINE,
            decline_code="generic_decline",
            message=_DECLINED,
        ),
        TestCard(
            "4000000000009987",
            "visa",
            Outcome.DECLINE,
            decline_code="lost_card",
            message=_DECLINED,
        ),
        TestCard(
            "4000000000000069",
            "visa",
            Outcome.DECLINE,
            decline_code="expired_card",
            error_code="expired_card",
            message="Your card has expired.",
        ),
        TestCard(
            "4000000000000127",
            "visa",
            Outcome.DECLINE,
            decline_code="incorrect_cvc",
            error_code="incorrect_cvc",
            message="Your card's security code is incorrect.",
        ),
        TestCard("4000002500003155", "visa", Outcome.AUTHENTICATE),
        TestCard("4000002760003184", "visa", Outcome.AUTHENTICATE),
    )
}

# Stripe's test PaymentMethod ids (and legacy tokens): using one clones a concrete `pm_…`.
TEST_PAYMENT_METHODS: dict[str, str] = {
    "pm_card_visa": "4242424242424242",
    "pm_card_visa_debit": "4000056655665556",
    "pm_card_mastercard": "5555555555554444",
    "pm_card_amex": "378282246310005",
    "pm_card_chargeDeclined": "4000000000000002",
    "pm_card_visa_chargeDeclinedInsufficientFunds": "4000000000009995",
    "pm_card_visa_chargeDeclinedLostCard": "4000000000009987",
    "pm_card_chargeDeclinedExpiredCard": "4000000000000069",
    "pm_card_chargeDeclinedIncorrectCvc": "4000000000000127",
    "pm_card_authenticationRequiredOnSetup": "4000002500003155",
    "pm_card_authenticationRequired": "4000002760003184",
    "tok_visa": "4242424242424242",
    "tok_mastercard": "5555555555554444",
    "tok_chargeDeclined": "4000000000000002",
    "tok_chargeDeclinedInsufficientFunds": "4000000000009995",
}

AUTHENTICATION_REQUIRED_MESSAGE = (
    "Your card was declined. This transaction requires authentication."
)


def card_for_number(number: str) -> TestCard | None:
    """A known test card, or an unknown well-formed number treated as a plain succeeding card."""
    digits = number.replace(" ", "")
    if digits in CARDS:
        return CARDS[digits]
    if digits.isdigit() and 12 <= len(digits) <= 19 and _luhn_ok(digits):
        brand = {"4": "visa", "5": "mastercard", "3": "amex"}.get(digits[0], "unknown")
        return TestCard(digits, brand, Outcome.SUCCEED)
    return None


def _luhn_ok(digits: str) -> bool:
    total = 0
    for index, char in enumerate(reversed(digits)):
        value = int(char)
        if index % 2 == 1:
            value = value * 2 - 9 if value > 4 else value * 2
        total += value
    return total % 10 == 0
