"""Settlement outcomes: table-driven for every market type, and properties over all scores."""

from __future__ import annotations

from decimal import Decimal

import pytest
from hypothesis import given
from hypothesis import strategies as st

from events.domain.errors import MarketLineInvalid, MarketTypeUnknown, ScoreInvalid
from events.domain.markets import DEFINITIONS, MARKET_TYPES
from events.domain.settlement import cancelled_outcomes, outcomes

W, L, V = "won", "lost", "void"

CASES = [
    # market, line, home, away, expected
    ("1x2", None, 2, 1, {"1": W, "X": L, "2": L}),
    ("1x2", None, 1, 1, {"1": L, "X": W, "2": L}),
    ("1x2", None, 0, 3, {"1": L, "X": L, "2": W}),
    ("1x2", None, 0, 0, {"1": L, "X": W, "2": L}),
    ("winner", None, 101, 99, {"1": W, "2": L}),
    ("winner", None, 3, 6, {"1": L, "2": W}),
    ("winner", None, 2, 2, {"1": V, "2": V}),
    ("double_chance", None, 2, 1, {"1X": W, "12": W, "X2": L}),
    ("double_chance", None, 1, 1, {"1X": W, "12": L, "X2": W}),
    ("double_chance", None, 0, 1, {"1X": L, "12": W, "X2": W}),
    ("total", Decimal("2.5"), 2, 1, {"over": W, "under": L}),
    ("total", Decimal("2.5"), 1, 1, {"over": L, "under": W}),
    ("total", Decimal("0.5"), 0, 0, {"over": L, "under": W}),
    ("total", Decimal("0.5"), 1, 0, {"over": W, "under": L}),
    ("total", Decimal("3"), 2, 1, {"over": V, "under": V}),  # integer line, exact: push
    ("total", Decimal("3.0"), 3, 1, {"over": W, "under": L}),
    ("total", Decimal("3"), 1, 1, {"over": L, "under": W}),
    ("total", Decimal("215.5"), 110, 106, {"over": W, "under": L}),
    ("total", Decimal("216"), 110, 106, {"over": V, "under": V}),
    ("btts", None, 1, 1, {"yes": W, "no": L}),
    ("btts", None, 2, 0, {"yes": L, "no": W}),
    ("btts", None, 0, 3, {"yes": L, "no": W}),
    ("btts", None, 0, 0, {"yes": L, "no": W}),
]


@pytest.mark.parametrize(("market", "line", "home", "away", "expected"), CASES)
def test_outcomes_table(
    market: str, line: Decimal | None, home: int, away: int, expected: dict[str, str]
) -> None:
    assert outcomes(market, line, home, away) == expected


@pytest.mark.parametrize("market", MARKET_TYPES)
def test_every_market_type_has_a_case_in_the_table(market: str) -> None:
    assert any(case[0] == market for case in CASES)


@pytest.mark.parametrize(
    ("market", "line", "error"),
    [
        ("1x2", Decimal("2.5"), MarketLineInvalid),
        ("total", None, MarketLineInvalid),
        ("total", Decimal("2.25"), MarketLineInvalid),
        ("total", Decimal("0"), MarketLineInvalid),
        ("total", Decimal("-1.5"), MarketLineInvalid),
        ("corners", None, MarketTypeUnknown),
    ],
)
def test_bad_market_or_line_is_refused(market: str, line: Decimal | None, error: type) -> None:
    with pytest.raises(error):
        outcomes(market, line, 1, 0)


@pytest.mark.parametrize(("home", "away"), [(-1, 0), (0, -2), (True, 0), (1.0, 1)])
def test_bad_scores_are_refused(home: object, away: object) -> None:
    with pytest.raises(ScoreInvalid):
        outcomes("1x2", None, home, away)  # type: ignore[arg-type]


scores = st.integers(min_value=0, max_value=300)
lines = st.integers(min_value=1, max_value=400).map(lambda n: Decimal(n) / 2)


@given(scores, scores)
def test_exactly_one_of_1_x_2_wins(home: int, away: int) -> None:
    result = outcomes("1x2", None, home, away)
    assert sorted(result.values()) == ["lost", "lost", "won"]


@given(scores, scores)
def test_double_chance_agrees_with_1x2(home: int, away: int) -> None:
    three_way = outcomes("1x2", None, home, away)
    double = outcomes("double_chance", None, home, away)
    for pair in ("1X", "12", "X2"):
        covers = any(three_way[s] == "won" for s in pair)
        assert double[pair] == ("won" if covers else "lost")
    assert list(double.values()).count("won") == 2


@given(scores, scores)
def test_winner_follows_1x2_and_voids_a_draw(home: int, away: int) -> None:
    three_way = outcomes("1x2", None, home, away)
    two_way = outcomes("winner", None, home, away)
    if three_way["X"] == "won":
        assert two_way == {"1": "void", "2": "void"}
    else:
        assert two_way == {"1": three_way["1"], "2": three_way["2"]}


@given(scores, scores, lines)
def test_over_and_under_are_complementary_unless_void(home: int, away: int, line: Decimal) -> None:
    result = outcomes("total", line, home, away)
    if home + away == line:
        assert line == line.to_integral_value()  # only an integer line can push
        assert result == {"over": "void", "under": "void"}
    else:
        assert sorted(result.values()) == ["lost", "won"]
        assert (result["over"] == "won") == (home + away > line)


@given(scores, scores)
def test_half_lines_never_push(home: int, away: int) -> None:
    for line in (Decimal("0.5"), Decimal("2.5"), Decimal("215.5")):
        assert "void" not in outcomes("total", line, home, away).values()


@given(scores, scores)
def test_btts_yes_and_no_are_complementary(home: int, away: int) -> None:
    result = outcomes("btts", None, home, away)
    assert sorted(result.values()) == ["lost", "won"]
    assert (result["yes"] == "won") == (home > 0 and away > 0)


@pytest.mark.parametrize("market", MARKET_TYPES)
def test_cancellation_voids_every_selection(market: str) -> None:
    result = cancelled_outcomes(market)
    assert set(result) == set(DEFINITIONS[market].selections)  # type: ignore[index]
    assert set(result.values()) == {"void"}


@given(st.sampled_from(MARKET_TYPES), scores, scores, lines)
def test_every_selection_gets_exactly_one_outcome(
    market: str, home: int, away: int, line: Decimal
) -> None:
    result = outcomes(market, line if DEFINITIONS[market].has_line else None, home, away)  # type: ignore[index]
    assert set(result) == set(DEFINITIONS[market].selections)  # type: ignore[index]
    assert set(result.values()) <= {"won", "lost", "void"}
