"""The retry schedule: exponential, capped, fully jittered; Telegram's retry_after honoured;
given up after max attempts or max age."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from notifications.domain.backoff import RetryPolicy

POLICY = RetryPolicy(base_s=5, cap_s=600, max_attempts=8, give_up_after_s=86400)


def highest(low: float, high: float) -> float:
    return high


def lowest(low: float, high: float) -> float:
    return low


def test_the_ceiling_doubles_from_the_base_up_to_the_cap() -> None:
    assert [POLICY.ceiling_s(n) for n in range(1, 10)] == [
        5,
        10,
        20,
        40,
        80,
        160,
        320,
        600,
        600,
    ]
    assert POLICY.ceiling_s(500) == 600  # no overflow


def test_full_jitter_draws_between_zero_and_the_ceiling() -> None:
    drawn: list[tuple[float, float]] = []

    def record(low: float, high: float) -> float:
        drawn.append((low, high))
        return (low + high) / 2

    assert POLICY.delay_s(3, rand=record) == 10
    assert drawn == [(0.0, 20.0)]
    assert POLICY.delay_s(3, rand=highest) == 20
    assert POLICY.delay_s(3, rand=lowest) == 0


def test_the_real_random_stays_within_bounds() -> None:
    for attempts in range(1, 12):
        for _ in range(50):
            assert 0 <= POLICY.delay_s(attempts) <= POLICY.ceiling_s(attempts)


def test_a_retry_after_is_never_undercut() -> None:
    assert POLICY.delay_s(1, retry_after_s=30, rand=lowest) == 30
    assert POLICY.delay_s(8, retry_after_s=30, rand=highest) == 600


def test_it_gives_up_after_max_attempts_or_max_age() -> None:
    now = datetime(2026, 12, 7, tzinfo=UTC)
    fresh = now - timedelta(minutes=1)
    assert not POLICY.gives_up(attempts=7, created_at=fresh, now=now)
    assert POLICY.gives_up(attempts=8, created_at=fresh, now=now)
    assert POLICY.gives_up(attempts=1, created_at=now - timedelta(days=1), now=now)
    assert not POLICY.gives_up(attempts=1, created_at=now - timedelta(hours=23), now=now)
