"""The scale-out bench's arithmetic (``bench/scaleout.py``): per-second buckets and recovery.

The run itself (``make bench-scaleout``) starts 15 processes and takes minutes on this machine:
it is a make target, not part of the suite; these pin what its figures mean.
"""

from __future__ import annotations

import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[2]))  # the bench package at the root

from bench.scaleout import recovery, timeline
from tests.chaos.journal import OK, REFUSED, UNKNOWN, Op


def op(outcome: str, attempts: int = 1) -> Op:
    found = Op("place_single", "u", "k", 0.0, attempts=attempts)
    found.outcome = outcome
    return found


def seconds_of(ok: list[int]) -> list[dict[str, int]]:
    return [
        {"second": s, "ok": n, "refused": 0, "lost": 0, "failed_attempts": 0}
        for s, n in enumerate(ok)
    ]


def test_each_operation_counts_once_in_the_second_it_ended_with_its_failed_attempts() -> None:
    ended = [(0.2, op(OK)), (0.9, op(OK, attempts=3)), (1.5, op(REFUSED)), (2.1, op(UNKNOWN))]
    ended.append((3.4, op(OK)))  # after the last whole second: in the totals only

    rows = timeline(ended, 3.0)

    assert [(r["ok"], r["refused"], r["lost"], r["failed_attempts"]) for r in rows] == [
        (2, 0, 0, 2),
        (0, 1, 0, 0),
        (0, 0, 1, 0),
    ]


def test_the_dip_runs_from_the_kill_to_the_first_second_back_at_90_percent() -> None:
    # Warm-up 0-1, steady 10/s, kill at 4.5 s, then 4, 6, 9 (back), 10, 10.
    rows = seconds_of([2, 2, 10, 10, 10, 4, 6, 9, 10, 10])

    figures = recovery(rows, kill_s=4.5, warmup_s=2, floor_rate=100.0)

    assert figures["before_kill"] == {"rate_per_s": 10.0, "to_floor": 0.1, "to_before": 1.0}
    assert figures["kill_second"] == 4
    assert figures["recovered_second"] == 7
    assert figures["time_to_recover_s"] == 2.5
    assert figures["dip_mean"]["rate_per_s"] == 6.67  # seconds 4, 5, 6 (the kill's included)
    assert figures["dip_lowest_second"]["rate_per_s"] == 4.0
    assert figures["after_recovery"]["rate_per_s"] == 9.67
    assert figures["after_recovery"]["to_before"] == 0.967


def test_a_rate_that_never_comes_back_has_no_recovery_time() -> None:
    rows = seconds_of([10, 10, 10, 2, 2, 2])

    figures = recovery(rows, kill_s=3.0, warmup_s=0, floor_rate=0.0)

    assert figures["recovered_second"] is None
    assert figures["time_to_recover_s"] is None
    assert figures["after_recovery"]["rate_per_s"] == 0.0
    assert figures["before_kill"]["to_floor"] is None
