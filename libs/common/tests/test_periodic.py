"""Periodic jobs: one runner across replicas, and a new leader when the old one stops."""

from __future__ import annotations

import asyncio
from typing import Any

from sqlalchemy.ext.asyncio import AsyncEngine

from common.periodic import PeriodicJob, advisory_key


def test_advisory_key_is_stable_and_distinct() -> None:
    assert advisory_key("wallet.outbox-cleanup") == advisory_key("wallet.outbox-cleanup")
    assert advisory_key("wallet.outbox-cleanup") != advisory_key("bets.outbox-cleanup")


async def test_only_one_replica_runs_the_job_and_another_takes_over(scratch: Any) -> None:
    ran: list[str] = []

    def job_for(replica: str) -> Any:
        async def job(_: AsyncEngine) -> None:
            ran.append(replica)

        return job

    name = f"test-job-{scratch.schema}"
    a = PeriodicJob(name=name, interval_s=0.05, job=job_for("a"), engine=scratch.engine)
    b = PeriodicJob(name=name, interval_s=0.05, job=job_for("b"), engine=scratch.engine)
    task_a = asyncio.create_task(a.run())
    await asyncio.sleep(0.2)
    task_b = asyncio.create_task(b.run())
    await asyncio.sleep(0.6)
    assert set(ran) == {"a"}
    assert a.is_leader
    assert not b.is_leader
    assert len(ran) >= 5

    task_a.cancel()  # the leader's replica stops: its lock goes with it
    await asyncio.gather(task_a, return_exceptions=True)
    await asyncio.sleep(0.6)
    assert b.is_leader
    assert "b" in ran
    task_b.cancel()
    await asyncio.gather(task_b, return_exceptions=True)
