"""The potential-win table shared with the web app's bet slip (web/src/features/betslip/model/
payout.test.ts reads the same file): a coupon's odds are the product of its legs rounded half-up
to two decimals, a single keeps its price; the payout is stake x odds rounded down to the cent."""

from __future__ import annotations

import json
from decimal import Decimal
from pathlib import Path
from typing import Any

import pytest

from bets.domain.odds import combined_coefficient, coupon_payout_minor, single_payout_minor
from common.money import format_minor

VECTORS: list[dict[str, Any]] = json.loads(
    (Path(__file__).parent / "payout_vectors.json").read_text(encoding="utf-8")
)


def _minor(amount: str) -> int:
    return int(Decimal(amount) * 100)


def test_the_table_is_large_enough_and_well_formed() -> None:
    assert len(VECTORS) >= 20
    for case in VECTORS:
        assert {"legs", "stake", "coupon_odds", "payout"} <= case.keys()
        assert 1 <= len(case["legs"]) <= 15


@pytest.mark.parametrize("case", VECTORS, ids=[c.get("note", "") for c in VECTORS])
def test_payout_vector(case: dict[str, Any]) -> None:
    legs = [Decimal(leg) for leg in case["legs"]]
    stake = _minor(case["stake"])
    if len(legs) == 1:
        odds = legs[0]
        payout = single_payout_minor(stake, odds)
    else:
        odds = combined_coefficient(legs)
        payout = coupon_payout_minor(stake, legs)
    assert odds == Decimal(case["coupon_odds"])
    assert format_minor(payout) == case["payout"]
