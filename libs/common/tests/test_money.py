from __future__ import annotations

import json
from decimal import Decimal

import pytest
from hypothesis import example, given
from hypothesis import strategies as st
from pydantic import BaseModel, ValidationError

from common.money import (
    MAX_AMOUNT_MINOR,
    AmountMinor,
    AmountMinorOrZero,
    InvalidAmount,
    MoneyStr,
    format_minor,
    parse_amount,
)


def _reason(value: object, *, allow_zero: bool = False) -> str:
    with pytest.raises(InvalidAmount) as info:
        parse_amount(value, allow_zero=allow_zero)
    return info.value.reason


# --- properties -------------------------------------------------------------------------------


@given(st.integers(min_value=1, max_value=10**12))
def test_format_then_parse_round_trips(amount_minor: int) -> None:
    text = format_minor(amount_minor)
    assert parse_amount(text) == amount_minor
    assert format_minor(parse_amount(text)) == text


@given(st.integers(min_value=1, max_value=10**12))
def test_parse_accepts_decimal_and_json_number_forms(amount_minor: int) -> None:
    text = format_minor(amount_minor)
    assert parse_amount(Decimal(text)) == amount_minor
    assert parse_amount(json.loads(text)) == amount_minor  # a float, as a JSON body gives it


@given(st.integers(min_value=0, max_value=MAX_AMOUNT_MINOR))
def test_format_has_two_decimals(amount_minor: int) -> None:
    text = format_minor(amount_minor)
    whole, _, cents = text.partition(".")
    assert len(cents) == 2
    assert int(whole) * 100 + int(cents) == amount_minor
    assert format_minor(-amount_minor) == (f"-{text}" if amount_minor else text)


@given(
    st.decimals(
        allow_nan=False, allow_infinity=False, places=3, min_value=-(10**9), max_value=10**9
    ).filter(lambda d: d.as_tuple().exponent == -3 and d.as_tuple().digits[-1] != 0)
    | st.decimals(
        allow_nan=False, allow_infinity=False, places=6, min_value=0, max_value=10**6
    ).filter(lambda d: d != d.quantize(Decimal("0.01")))
)
def test_more_than_two_significant_decimals_is_rejected(amount: Decimal) -> None:
    assert _reason(amount) == "too_many_decimals"
    assert _reason(str(amount)) == "too_many_decimals"


@given(st.integers(min_value=-(10**12), max_value=-1))
def test_negatives_are_rejected(amount_minor: int) -> None:
    text = format_minor(amount_minor)
    assert _reason(text) == "negative"
    assert _reason(Decimal(text)) == "negative"
    assert _reason(float(text)) == "negative"
    assert _reason(amount_minor) == "negative"
    assert _reason(text, allow_zero=True) == "negative"


@given(st.sampled_from(["0", "0.0", "0.00", "-0", " 0 ", 0, 0.0, -0.0, Decimal("0.00")]))
def test_zero_is_rejected_unless_allowed(zero: object) -> None:
    assert _reason(zero) == "zero"
    assert parse_amount(zero, allow_zero=True) == 0


@given(st.floats(min_value=0.01, max_value=1e9, allow_nan=False, allow_infinity=False))
@example(0.1 + 0.2)
@example(10.01)
@example(1.005)
def test_floats_are_read_as_their_shortest_repr(value: float) -> None:
    exact = Decimal(repr(value))
    exponent = exact.as_tuple().exponent
    if isinstance(exponent, int) and exponent >= -2:
        assert parse_amount(value) == int(exact * 100)
    else:
        assert _reason(value) == "too_many_decimals"


# --- examples ---------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        ("12", 1200),
        ("12.5", 1250),
        ("12.50", 1250),
        (" 12.5 ", 1250),
        ("\t5000.00\n", 500000),
        ("0.01", 1),
        ("007.10", 710),
        (5000, 500000),
        (10.01, 1001),
        (0.29, 29),
        (1e2, 10000),
        (Decimal("19.99"), 1999),
        (Decimal("1E+2"), 10000),
        (format_minor(MAX_AMOUNT_MINOR), MAX_AMOUNT_MINOR),
    ],
)
def test_accepted_forms(value: object, expected: int) -> None:
    assert parse_amount(value) == expected


@pytest.mark.parametrize(
    ("value", "reason"),
    [
        ("1.005", "too_many_decimals"),
        ("1.000", "too_many_decimals"),
        (0.1 + 0.2, "too_many_decimals"),
        (1e-7, "too_many_decimals"),
        (Decimal("0.001"), "too_many_decimals"),
        ("-5", "negative"),
        ("-0.01", "negative"),
        (-1, "negative"),
        (Decimal("-2.50"), "negative"),
        ("0.00", "zero"),
        (0, "zero"),
        (float("nan"), "not_finite"),
        (float("inf"), "not_finite"),
        (float("-inf"), "not_finite"),
        (Decimal("NaN"), "not_finite"),
        (Decimal("sNaN"), "not_finite"),
        (Decimal("Infinity"), "not_finite"),
        ("NaN", "not_finite"),
        ("nan", "not_finite"),
        ("inf", "not_finite"),
        ("-Infinity", "not_finite"),
        ("1e3", "not_a_number"),
        ("1E3", "not_a_number"),
        ("+5", "not_a_number"),
        (".5", "not_a_number"),
        ("5.", "not_a_number"),
        ("1,000.00", "not_a_number"),
        ("1 000", "not_a_number"),
        ("12.5 USD", "not_a_number"),
        ("$12", "not_a_number"),
        ("", "not_a_number"),
        ("   ", "not_a_number"),
        ("--5", "not_a_number"),
        ("0x10", "not_a_number"),
        ("١٢", "not_a_number"),  # Arabic-Indic digits
        ("1_000", "not_a_number"),
        (True, "not_a_number"),
        (False, "not_a_number"),
        (None, "not_a_number"),
        ([12], "not_a_number"),
        ({"amount": 12}, "not_a_number"),
        (b"12", "not_a_number"),
        ("1" * 31, "too_long"),
        (" " * 28 + "1.5", "too_long"),
        ("10000000000000.01", "too_large"),
        (10**13 + 1, "too_large"),
        (1e300, "too_large"),
        (Decimal("1E+100"), "too_large"),
    ],
)
def test_rejected_with_reason(value: object, reason: str) -> None:
    assert _reason(value) == reason


def test_invalid_amount_is_a_value_error_with_its_reason_in_the_message() -> None:
    with pytest.raises(ValueError, match="too_many_decimals"):
        parse_amount("1.234")


@pytest.mark.parametrize(
    ("amount_minor", "text"),
    [(0, "0.00"), (1, "0.01"), (10, "0.10"), (500000, "5000.00"), (-1250, "-12.50"), (-5, "-0.05")],
)
def test_format_minor(amount_minor: int, text: str) -> None:
    assert format_minor(amount_minor) == text


@pytest.mark.parametrize("bad", [True, 1.5, "100", Decimal(1)])
def test_format_minor_takes_only_ints(bad: object) -> None:
    with pytest.raises(TypeError):
        format_minor(bad)  # type: ignore[arg-type]


# --- pydantic types ---------------------------------------------------------------------------


class DepositRequest(BaseModel):
    amount: AmountMinor


class LimitRequest(BaseModel):
    amount: AmountMinorOrZero


class BalanceAnswer(BaseModel):
    current_balance: MoneyStr
    change: MoneyStr


@pytest.mark.parametrize(
    ("body", "expected"),
    [
        ('{"amount": "5000.00"}', 500000),
        ('{"amount": 5000}', 500000),
        ('{"amount": 10.01}', 1001),
        ('{"amount": " 12.5 "}', 1250),
    ],
)
def test_amount_in_a_request_body(body: str, expected: int) -> None:
    request = DepositRequest.model_validate_json(body)
    assert request.amount == expected
    # It serialises back to the client's form, so re-validating is stable.
    assert DepositRequest.model_validate(request.model_dump()) == request
    assert json.loads(request.model_dump_json())["amount"] == format_minor(expected)


@pytest.mark.parametrize(
    ("body", "reason"),
    [
        ('{"amount": "1.005"}', "too_many_decimals"),
        ('{"amount": 0.30000000000000004}', "too_many_decimals"),
        ('{"amount": -5}', "negative"),
        ('{"amount": "0"}', "zero"),
        ('{"amount": NaN}', "not_finite"),
        ('{"amount": "inf"}', "not_finite"),
        ('{"amount": "1e3"}', "not_a_number"),
        ('{"amount": true}', "not_a_number"),
        ('{"amount": null}', "not_a_number"),
        ('{"amount": "abc"}', "not_a_number"),
    ],
)
def test_invalid_amount_is_an_ordinary_validation_error(body: str, reason: str) -> None:
    with pytest.raises(ValidationError) as info:
        DepositRequest.model_validate(json.loads(body))
    [error] = info.value.errors()
    assert error["loc"] == ("amount",)
    assert error["type"] == "invalid_amount"
    assert error["ctx"]["reason"] == reason
    assert reason in error["msg"]


def test_missing_amount_is_the_usual_missing_error() -> None:
    with pytest.raises(ValidationError) as info:
        DepositRequest.model_validate({})
    assert info.value.errors()[0]["type"] == "missing"


def test_amount_or_zero_takes_zero_but_not_negatives() -> None:
    assert LimitRequest.model_validate({"amount": "0.00"}).amount == 0
    assert LimitRequest.model_validate({"amount": 7}).amount == 700
    with pytest.raises(ValidationError):
        LimitRequest.model_validate({"amount": "-0.01"})


def test_money_str_in_an_answer() -> None:
    answer = BalanceAnswer(current_balance=500000, change=-1250)
    expected = {"current_balance": "5000.00", "change": "-12.50"}
    assert answer.model_dump(mode="json") == expected
    assert json.loads(answer.model_dump_json()) == expected


@pytest.mark.parametrize("bad", [True, 50.0, "5000.00", None])
def test_money_str_is_set_from_minor_units_only(bad: object) -> None:
    with pytest.raises(ValidationError):
        BalanceAnswer.model_validate({"current_balance": bad, "change": 0})


def test_json_schema_documents_the_wire_forms() -> None:
    request_schema = DepositRequest.model_json_schema()["properties"]["amount"]
    assert {s["type"] for s in request_schema["anyOf"]} == {"string", "number"}
    answer_schema = BalanceAnswer.model_json_schema(mode="serialization")["properties"]
    assert answer_schema["current_balance"]["type"] == "string"
