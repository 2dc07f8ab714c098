"""Statistics by hand-computed cases (ARCHITECTURE.md §4), not the seed's figures."""

from __future__ import annotations

from decimal import Decimal

from bets.domain.stats import SettledBet, bet_stats


def test_no_bets() -> None:
    stats = bet_stats([])
    assert (stats.total_bets, stats.win_rate, stats.roi_percent, stats.average_stake_minor) == (
        0,
        Decimal("0.00"),
        Decimal("0.00"),
        0,
    )


def test_hand_computed_case() -> None:
    bets = [
        SettledBet("won", 10_000, 18_500),  # +85.00
        SettledBet("lost", 5_000, 0),
        SettledBet("lost", 2_000, 0),
        SettledBet("won", 1_000, 5_830),  # +48.30
        SettledBet("won", 3_000, 3_300),  # +3.00
    ]
    stats = bet_stats(bets)
    assert (stats.wins, stats.losses) == (3, 2)
    assert stats.win_rate == Decimal("60.00")
    assert stats.total_bet_minor == 21_000
    assert stats.total_won_minor == 27_630
    assert stats.net_profit_minor == 6_630
    assert stats.roi_percent == Decimal("31.57")  # 6630 / 21000 = 31.571…
    assert stats.average_stake_minor == 4_200
    assert stats.biggest_win_minor == 18_500  # the largest payout
    assert stats.biggest_loss_minor == 5_000
    assert (stats.current_streak, stats.longest_win_streak, stats.longest_loss_streak) == (2, 2, 2)


def test_losing_streak_is_negative_and_roi_rounds_half_up() -> None:
    stats = bet_stats(
        [SettledBet("won", 300, 301), SettledBet("lost", 300, 0), SettledBet("lost", 200, 0)]
    )
    assert stats.current_streak == -2
    assert stats.net_profit_minor == -499
    assert stats.roi_percent == Decimal("-62.38")  # -499 / 800 = -62.375 -> half-up away from 0
    assert stats.win_rate == Decimal("33.33")


def test_free_bets_add_only_their_winnings_and_no_stake() -> None:
    """A free bet's stake was the house's: it adds nothing to what the user staked (nor to the
    average stake or the biggest loss); a win adds the payout minus the stake."""
    bets = [
        SettledBet("won", 4_000, 10_000),  # own money: +60.00
        SettledBet("won", 1_000, 2_550, free_bet=True),  # winnings 15.50
        SettledBet("lost", 5_000, 0, free_bet=True),  # costs the user nothing
        SettledBet("lost", 2_000, 0),
    ]
    stats = bet_stats(bets)
    assert (stats.wins, stats.losses, stats.free_bets) == (2, 2, 2)
    assert stats.total_bet_minor == 6_000
    assert stats.total_won_minor == 11_550
    assert stats.net_profit_minor == 5_550
    assert stats.free_bet_winnings_minor == 1_550
    assert stats.average_stake_minor == 3_000  # over the two bets of own money
    assert stats.biggest_win_minor == 10_000
    assert stats.biggest_loss_minor == 2_000  # the lost free bet's 50.00 was not the user's
    assert stats.current_streak == -2
