"""Periodic jobs of the reports (issue 9): monthly statements, expired report files."""

from __future__ import annotations

from datetime import timedelta

from sqlalchemy.ext.asyncio import AsyncEngine

from common.runtime import PeriodicSpec
from wallet.adapters.report_storage import report_storage
from wallet.service_layer.reports import expire_reports, generate_pending
from wallet.service_layer.statements import generate_due_statements
from wallet.settings import Settings


def report_periodic_jobs(settings: Settings) -> list[PeriodicSpec]:
    """Each runs on one replica at a time (advisory-locked leader); generation claims reports
    with SKIP LOCKED as well, so the in-process start after a request never doubles work."""
    storage = report_storage(settings)
    grace = timedelta(minutes=settings.statement_grace_min)

    async def generate_reports(engine: AsyncEngine) -> None:
        await generate_pending(engine, storage, settings)

    async def expire_report_files(engine: AsyncEngine) -> None:
        await expire_reports(engine, storage)

    async def monthly_statements(engine: AsyncEngine) -> None:
        await generate_due_statements(engine, grace=grace)

    return [
        PeriodicSpec("report-generation", settings.report_job_interval_s, generate_reports),
        PeriodicSpec("report-expiry", 600, expire_report_files),
        PeriodicSpec("monthly-statements", settings.statement_job_interval_s, monthly_statements),
    ]
