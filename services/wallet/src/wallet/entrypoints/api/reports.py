"""Exports (CSV/PDF) with signed download links, and monthly statements (issue 9).

Every route but the download needs the bearer token and is scoped to its ``sub``. The download
takes no token (a browser follows a plain link): ``sig`` and ``exp`` are the credential.
"""

from __future__ import annotations

import asyncio
import uuid
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, timedelta
from typing import Any, Literal

from fastapi import APIRouter, Path, Query, Request
from fastapi.responses import JSONResponse, RedirectResponse, Response, StreamingResponse
from pydantic import ConfigDict

from common.api import RequestModel
from common.auth.deps import CurrentUser
from common.logging import get_logger
from common.money import format_minor
from wallet.adapters.report_storage import ReportStorage, report_storage
from wallet.domain.errors import WalletNotFound
from wallet.domain.reports import ReportFormat, ReportRequest, ReportStatus, human_size
from wallet.domain.statements import Month, Statement
from wallet.entrypoints.api.deps import Client, Services, WalletServices
from wallet.service_layer import reports, statements, subscriptions
from wallet.service_layer.unit_of_work import WalletUnitOfWork

router = APIRouter(tags=["reports"])
log = get_logger(__name__)

RETRY_AFTER_S = "5"


class ExportRequest(RequestModel):
    """Seed 000's body; dates are UTC days, ``date_to`` inclusive (default: the last 30 days)."""

    model_config = ConfigDict(extra="forbid")

    format: ReportFormat = ReportFormat.csv
    date_from: date | None = None
    date_to: date | None = None
    include_bets: bool = True
    include_transactions: bool = True
    include_statistics: bool = True


@dataclass
class ReportWork:
    """The app's report storage and the generations it started in-process (kept referenced
    until they finish, so they are not garbage-collected mid-way)."""

    storage: ReportStorage
    tasks: set[asyncio.Task[Any]] = field(default_factory=set)

    def kick(self, services: WalletServices, report_id: uuid.UUID) -> None:
        task = asyncio.create_task(
            reports.generate_next(
                services.db_engine, self.storage, services.settings, report_id=report_id
            ),
            name=f"report-{report_id}",
        )
        self.tasks.add(task)
        task.add_done_callback(self.tasks.discard)


def report_work(request: Request, services: WalletServices) -> ReportWork:
    work = getattr(request.app.state, "report_work", None)
    if work is None:
        work = ReportWork(report_storage(services.settings))
        request.app.state.report_work = work
    assert isinstance(work, ReportWork)
    return work


def report_body(view: reports.ReportView, services: WalletServices) -> dict[str, Any]:
    now = datetime.now(UTC)
    url: str | None = None
    link_expires_at: str | None = None
    if view.status in (ReportStatus.pending, ReportStatus.ready) and view.expires_at > now:
        url, link_until = reports.download_link(services.settings, view, now)
        link_expires_at = link_until.isoformat()
    return {
        "report_id": str(view.id),
        "filename": view.filename,
        "format": view.format.value,
        "status": view.status.value,
        "file_size": human_size(view.file_size_bytes),
        "file_size_bytes": view.file_size_bytes,
        "row_count": view.row_count,
        "date_from": view.date_from.isoformat(),
        "date_to": view.date_to.isoformat(),
        "include_bets": view.include_bets,
        "include_transactions": view.include_transactions,
        "include_statistics": view.include_statistics,
        "created_at": view.created_at.isoformat(),
        "ready_at": view.ready_at.isoformat() if view.ready_at else None,
        "expires_at": view.expires_at.isoformat(),  # the report: 7 days
        "download_url": url,
        "link_expires_at": link_expires_at,  # this link: 15 minutes
    }


@router.post("/api/wallet/export", status_code=201)
async def export_report(
    body: ExportRequest,
    request: Request,
    principal: CurrentUser,
    services: Services,
    client: Client,
) -> JSONResponse:
    settings = services.settings
    async with WalletUnitOfWork(services.db) as uow:
        if await uow.wallets.find(principal.user_id) is None:
            raise WalletNotFound()
        # A plan's ``exports_plus`` flag raises this user's limits (issue 22).
        factor = await subscriptions.report_limit_factor(uow, principal.user_id)
        req = ReportRequest.of(
            format=body.format,
            date_from=body.date_from,
            date_to=body.date_to,
            today=datetime.now(UTC).date(),
            max_period_days=settings.report_max_period_days * factor,
            include_bets=body.include_bets,
            include_transactions=body.include_transactions,
            include_statistics=body.include_statistics,
        )
        rows = await reports.rows_in_period(uow, principal.user_id, req)
        view = await reports.request_export(
            uow,
            user_id=principal.user_id,
            req=req,
            retention=timedelta(hours=settings.report_retention_h),
            client=client,
            in_progress_max=settings.reports_in_progress_max,
        )
        await uow.commit()
    work = report_work(request, services)
    if rows <= settings.report_inline_max_rows * factor:
        done = await reports.generate_next(
            services.db_engine, work.storage, settings, report_id=view.id
        )
        view = done or view  # None: a background worker claimed it first
    elif settings.report_kick_in_process:
        work.kick(services, view.id)
    return JSONResponse({"success": True, "report": report_body(view, services)}, status_code=201)


@router.get("/api/wallet/reports")
async def list_reports(
    principal: CurrentUser,
    services: Services,
    limit: int = Query(20, ge=1, le=100),
    offset: int = Query(0, ge=0, le=100_000),
) -> dict[str, Any]:
    async with WalletUnitOfWork(services.db) as uow:
        found = await reports.list_reports(uow, principal.user_id, limit=limit, offset=offset)
    return {
        "success": True,
        "reports": [report_body(v, services) for v in found],
        "pagination": {"limit": limit, "offset": offset},
    }


@router.get("/api/wallet/reports/{report_id}")
async def get_report(
    report_id: uuid.UUID, principal: CurrentUser, services: Services
) -> dict[str, Any]:
    """The report with a fresh 15-minute download link (another user's id: 404)."""
    async with WalletUnitOfWork(services.db) as uow:
        view = await reports.get_report(uow, report_id, user_id=principal.user_id)
    return {"success": True, "report": report_body(view, services)}


@router.get("/api/wallet/reports/{report_id}/download", response_model=None)
async def download_report(
    report_id: uuid.UUID,
    request: Request,
    services: Services,
    exp: int = Query(..., ge=0, le=2**40),
    sig: str = Query(..., min_length=1, max_length=128),
) -> Response:
    """No bearer: the signed link is the credential. 202 while the report is being made."""
    async with WalletUnitOfWork(services.db) as uow:
        view = await reports.resolve_download(
            uow,
            services.settings,
            report_id=report_id,
            expires_at_s=exp,
            signature=sig,
            now=datetime.now(UTC),
        )
    if view.status == ReportStatus.pending:
        return JSONResponse(
            {"success": True, "report": {"report_id": str(view.id), "status": "pending"}},
            status_code=202,
            headers={"Retry-After": RETRY_AFTER_S},
        )
    work = report_work(request, services)
    headers = {
        "Content-Disposition": f'attachment; filename="{view.filename}"',
        "Cache-Control": "private, no-store",
        "X-Content-Type-Options": "nosniff",
    }
    if services.settings.report_s3_redirect:
        url = await work.storage.presigned_url(
            view.storage_key,
            filename=view.filename,
            content_type=view.content_type,
            ttl_s=max(1, exp - int(datetime.now(UTC).timestamp())),
        )
        if url is not None:
            return RedirectResponse(url, status_code=302, headers={"Cache-Control": "no-store"})
    if view.file_size_bytes is not None:
        headers["Content-Length"] = str(view.file_size_bytes)
    return StreamingResponse(
        work.storage.read(view.storage_key), media_type=view.content_type, headers=headers
    )


# --- statements ----------------------------------------------------------------------------


def statement_body(s: Statement) -> dict[str, Any]:
    return {
        "year": s.month.year,
        "month": s.month.month,
        "currency": s.currency,
        "opening_balance": format_minor(s.opening_balance_minor),
        "closing_balance": format_minor(s.closing_balance_minor),
        "total_deposits": format_minor(s.deposits_minor),
        "total_withdrawals": format_minor(s.withdrawals_minor),
        "total_stakes": format_minor(s.stakes_minor),
        "total_winnings": format_minor(s.winnings_minor),
        "total_refunds": format_minor(s.refunds_minor),
        "adjustments": format_minor(s.adjustments_minor),
        "total_bet": format_minor(s.total_bet_minor),
        "total_won": format_minor(s.total_won_minor),
        "net_profit": format_minor(s.net_profit_minor),
        "roi_percent": str(s.roi_percent),
        "win_rate_percent": str(s.win_rate_percent),
        "bets_placed": s.bets_placed,
        "bets_won": s.bets_won,
        "bets_lost": s.bets_lost,
        "transaction_count": s.transaction_count,
        "generated_at": s.generated_at.isoformat(),
    }


@router.get("/api/wallet/statements")
async def list_statements(
    principal: CurrentUser,
    services: Services,
    limit: int = Query(24, ge=1, le=120),
    offset: int = Query(0, ge=0, le=10_000),
) -> dict[str, Any]:
    async with WalletUnitOfWork(services.db) as uow:
        found = await statements.list_statements(uow, principal.user_id, limit=limit, offset=offset)
    return {
        "success": True,
        "statements": [statement_body(s) for s in found],
        "pagination": {"limit": limit, "offset": offset},
    }


@router.get("/api/wallet/statements/{year}/{month}", response_model=None)
async def get_statement(
    principal: CurrentUser,
    services: Services,
    year: int = Path(..., ge=2000, le=9999),
    month: int = Path(..., ge=1, le=12),
    format: Literal["json", "pdf", "csv"] = "json",
) -> Response | dict[str, Any]:
    async with WalletUnitOfWork(services.db) as uow:
        found = await statements.get_statement(uow, principal.user_id, Month(year, month))
        if format == "json":
            return {"success": True, "statement": statement_body(found)}
        name = f"statement_{year}_{month:02d}.{format}"
        headers = {
            "Content-Disposition": f'attachment; filename="{name}"',
            "Cache-Control": "private, no-store",
        }
        if format == "pdf":
            content = await statements.statement_pdf(uow, found)
            return Response(content, media_type="application/pdf", headers=headers)
        text = await statements.statement_csv(uow, found)
        return Response(text.encode("utf-8"), media_type="text/csv; charset=utf-8", headers=headers)
