"""Periodic jobs: one runner across replicas, and a new leader when the old one stops."""

from __future__ import annotations

import asyncio
from typing import Any

from sqlalchemy import text
from sqlalchemy.ext.asyncio import AsyncEngine

from common.periodic import LeaderLocks, PeriodicJob, advisory_key


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


async def test_one_process_leads_many_jobs_on_one_connection(scratch: Any) -> None:
    """Leader locks share a connection: ten jobs do not take ten pool slots for good."""
    locks = LeaderLocks(scratch.engine)
    runs: dict[str, int] = {}

    def job_for(name: str) -> Any:
        async def job(_: AsyncEngine) -> None:
            runs[name] = runs.get(name, 0) + 1

        return job

    names = [f"many-{scratch.schema}-{i}" for i in range(10)]
    jobs = [
        PeriodicJob(name=n, interval_s=0.05, job=job_for(n), engine=scratch.engine, locks=locks)
        for n in names
    ]
    tasks = [asyncio.create_task(j.run()) for j in jobs]
    await asyncio.sleep(0.5)
    try:
        assert all(j.is_leader for j in jobs)
        assert all(runs.get(n, 0) >= 3 for n in names)
        # A bigint advisory key shows in pg_locks as (classid = high 32 bits, objid = low 32).
        unsigned = [advisory_key(n) & 0xFFFF_FFFF_FFFF_FFFF for n in names]
        async with scratch.engine.connect() as conn:
            held = (
                await conn.execute(
                    text(
                        "SELECT count(*), count(DISTINCT l.pid) FROM pg_locks l"
                        " JOIN unnest(CAST(:hi AS bigint[]), CAST(:lo AS bigint[])) AS k(hi, lo)"
                        " ON l.classid::bigint = k.hi AND l.objid::bigint = k.lo"
                        " WHERE l.locktype = 'advisory' AND l.objsubid = 1 AND l.granted"
                    ),
                    {"hi": [u >> 32 for u in unsigned], "lo": [u & 0xFFFF_FFFF for u in unsigned]},
                )
            ).one()
        assert tuple(held) == (10, 1)  # ten locks, one backend
        # Another process cannot take any of them while this one lives.
        rival = PeriodicJob(
            name=names[3], interval_s=0.05, job=job_for("rival"), engine=scratch.engine
        )
        rival_task = asyncio.create_task(rival.run())
        await asyncio.sleep(0.3)
        assert "rival" not in runs
        rival_task.cancel()
        await asyncio.gather(rival_task, return_exceptions=True)
    finally:
        for task in tasks:
            task.cancel()
        await asyncio.gather(*tasks, return_exceptions=True)
        await locks.close()
