"""The short chaos run in ``make test``: a few hundred money operations under a handful of faults.

Two of every service, each bettor's operation retried with its Idempotency-Key; a kill -9 of
several processes, one ``pg_terminate_backend``, one partition, drop and delay through the
proxies in front of bets' and wallet's database and broker (the real RabbitMQ is left alone
here: other suites share it; ``make chaos`` stops it), the wallet paused past the saga's
timeout and webhooks sent twice and newest first. The seed is random per run and printed;
``python -m tests.chaos --seed S`` replays its choices and faults at full size.
"""

from __future__ import annotations

import random

import pytest
from tests.chaos.faults import FaultPlan
from tests.chaos.run import ChaosConfig, run_chaos

from common.testing.infra import Infrastructure

SHORT_OPS = 300


async def test_money_is_conserved_and_told_outcomes_hold_under_faults(
    infrastructure: Infrastructure, tmp_path_factory: pytest.TempPathFactory
) -> None:
    seed = random.SystemRandom().randrange(1_000_000)
    print(f"chaos seed {seed}")
    plan = FaultPlan(
        kill9=4,
        rabbit_restart=0,
        pg_terminate=1,
        proxy_partition=1,
        proxy_drop=1,
        proxy_delay=1,
        pause_wallet=1,
        webhook_reorder=1,
        gap_s=(1.5, 3.0),
        pause_s=8.0,
    )
    config = ChaosConfig(
        ops=SHORT_OPS, bettors=12, events=6, seed=seed, plan=plan, drain_timeout_s=90
    )
    report = await run_chaos(config, infrastructure, tmp_path_factory)
    text = report.markdown()
    print(text)
    assert report.journal.money_ops >= SHORT_OPS, text
    assert report.fault_counts().get("kill9", 0) >= 2, text
    assert report.violations == [], text
