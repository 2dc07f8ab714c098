"""The deployment's one currency (ARCHITECTURE.md §4): an ISO 4217 code whose minor unit is 1/100.

Amounts travel as integer minor units and are shown as two-decimal strings (``common.money``),
so only a currency with two decimal places fits: ``JPY`` (no decimals) or ``KWD`` (three) would
turn every displayed amount wrong by a factor of 100 or 10. ``check_currency`` refuses them, and
anything that is not an ISO 4217 code, with a message saying which. No third-party table: the
codes below are ISO 4217's list (edition of 2025) by minor unit; a new currency is one line here.
"""

from __future__ import annotations

from typing import Final


def _codes(text: str) -> list[str]:
    return text.split()


# Minor unit 2: the only ones LOOSELINE takes.
TWO_DECIMAL: Final = frozenset(
    _codes(
        """
    AED AFN ALL AMD ANG AOA ARS AUD AWG AZN BAM BBD BDT BGN BMD BND BOB BOV BRL BSD BTN BWP BYN
    BZD CAD CDF CHE CHF CHW CNY COP COU CRC CUC CUP CVE CZK DKK DOP DZD EGP ERN ETB EUR FJD FKP
    GBP GEL GHS GIP GMD GTQ GYD HKD HNL HTG HUF IDR ILS INR IRR JMD KES KGS KHR KPW KYD KZT LAK
    LBP LKR LRD LSL MAD MDL MGA MKD MMK MNT MOP MRU MUR MVR MWK MXN MXV MYR MZN NAD NGN NIO NOK
    NPR NZD PAB PEN PGK PHP PKR PLN QAR RON RSD RUB SAR SBD SCR SDG SEK SGD SHP SLE SLL SOS SRD
    SSP STN SVC SYP SZL THB TJS TMT TOP TRY TTD TWD TZS UAH USD USN UYU UZS VED VES WST XCD XCG
    YER ZAR ZMW ZWG ZWL
    """
    )
)
# ISO 4217 codes with another minor unit (decimal places), refused with a reason.
OTHER_MINOR_UNIT: Final[dict[str, int]] = {
    **dict.fromkeys(
        _codes("BIF CLP DJF GNF ISK JPY KMF KRW PYG RWF UGX UYI VND VUV XAF XOF XPF"), 0
    ),
    **dict.fromkeys(_codes("BHD IQD JOD KWD LYD OMR TND"), 3),
    **dict.fromkeys(_codes("CLF UYW"), 4),
}
# ISO 4217 codes that are not money one holds (gold, SDR, the testing and "no currency" codes).
NO_MINOR_UNIT: Final = frozenset(_codes("XAG XAU XBA XBB XBC XBD XDR XPD XPT XSU XTS XUA XXX"))


def check_currency(code: str) -> str:
    """``code`` if it is an ISO 4217 currency with two decimal places; else ``ValueError``."""
    if len(code) != 3 or not code.isascii() or not code.isalpha() or not code.isupper():
        raise ValueError(f"{code!r} is not an ISO 4217 code (three upper-case letters, e.g. USD)")
    if code in TWO_DECIMAL:
        return code
    if code in OTHER_MINOR_UNIT:
        places = OTHER_MINOR_UNIT[code]
        raise ValueError(
            f"{code} has {places} decimal places; LOOSELINE amounts have two (minor unit 1/100),"
            " so only a two-decimal currency can be the deployment's CURRENCY"
        )
    if code in NO_MINOR_UNIT:
        raise ValueError(f"{code} is an ISO 4217 code with no minor unit, not a currency to bet in")
    raise ValueError(f"{code} is not an ISO 4217 currency code")
