"""Exports: request (audited), generate (streamed to a temporary file, then to storage),
claim pending work across replicas, sign download links, expire old files.

Periods are UTC days, ``date_to`` inclusive, filtered exactly as ``GET /api/wallet/history``
does (bets by ``COALESCE(placed_at, created_at)``, history rows by ``created_at``), so an export
and the history API agree on the same dates.
"""

from __future__ import annotations

import asyncio
import tempfile
import uuid
from collections.abc import AsyncIterator
from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta
from pathlib import Path
from typing import Any
from urllib.parse import urlencode

from sqlalchemy import Select, func, insert, literal, select, text, update
from sqlalchemy.ext.asyncio import AsyncConnection, AsyncEngine

from common.logging import get_logger
from wallet.adapters.report_csv import CsvReportWriter
from wallet.adapters.report_pdf import PdfReport, render_pdf
from wallet.adapters.report_storage import ReportStorage
from wallet.adapters.report_tables import account_holder, report
from wallet.adapters.tables import balance_transaction, bet, wallet
from wallet.adapters.user_locks import lock_user_work
from wallet.domain.audit import AuditAction, AuditEntry, AuditStatus, ClientInfo
from wallet.domain.errors import ReportsInProgress
from wallet.domain.reports import (
    CONTENT_TYPES,
    BetLine,
    HistoryEntry,
    PeriodSummary,
    ReportExpired,
    ReportFailed,
    ReportFormat,
    ReportHeader,
    ReportLinkInvalid,
    ReportNotFound,
    ReportRequest,
    ReportStatus,
    check_link,
    describe_legs,
    link_signature,
)
from wallet.domain.stats import BetTotals
from wallet.service_layer.queries import BET_TOTALS_COLUMNS
from wallet.service_layer.unit_of_work import WalletUnitOfWork
from wallet.settings import Settings

log = get_logger(__name__)

DOWNLOAD_PATH = "/api/wallet/reports/{report_id}/download"
STREAM_BATCH_ROWS = 1_000  # rows per server-side cursor fetch


@dataclass(frozen=True)
class ReportView:
    id: uuid.UUID
    user_id: uuid.UUID
    format: ReportFormat
    status: ReportStatus
    date_from: date
    date_to: date
    include_bets: bool
    include_transactions: bool
    include_statistics: bool
    filename: str
    storage_key: str
    file_size_bytes: int | None
    row_count: int | None
    created_at: datetime
    ready_at: datetime | None
    expires_at: datetime

    @property
    def content_type(self) -> str:
        return CONTENT_TYPES[self.format]

    @property
    def request(self) -> ReportRequest:
        return ReportRequest(
            format=self.format,
            date_from=self.date_from,
            date_to=self.date_to,
            include_bets=self.include_bets,
            include_transactions=self.include_transactions,
            include_statistics=self.include_statistics,
        )


def _view(row: Any) -> ReportView:
    m = row._mapping
    return ReportView(
        **{k: m[k] for k in ReportView.__dataclass_fields__ if k not in ("format", "status")},
        format=ReportFormat(m["format"]),
        status=ReportStatus(m["status"]),
    )


def day_bounds(date_from: date, date_to: date) -> tuple[datetime, datetime]:
    """[start of date_from, start of the day after date_to) in UTC."""
    return (
        datetime.combine(date_from, time(0), tzinfo=UTC),
        datetime.combine(date_to + timedelta(days=1), time(0), tzinfo=UTC),
    )


# --- requests ------------------------------------------------------------------------------


async def rows_in_period(uow: WalletUnitOfWork, user_id: uuid.UUID, req: ReportRequest) -> int:
    """Bets + history rows the report will list: decides inline or background generation."""
    start, end = day_bounds(req.date_from, req.date_to)
    placed = func.coalesce(bet.c.placed_at, bet.c.created_at)
    bets = (
        select(func.count())
        .where(bet.c.user_id == user_id, placed >= start, placed < end)
        .scalar_subquery()
    )
    entries = (
        select(func.count())
        .where(
            balance_transaction.c.user_id == user_id,
            balance_transaction.c.created_at >= start,
            balance_transaction.c.created_at < end,
        )
        .scalar_subquery()
    )
    counted = (bets if req.include_bets else literal(0)) + (
        entries if req.include_transactions else literal(0)
    )
    return int(await uow.db.scalar(select(counted)) or 0)


async def request_export(
    uow: WalletUnitOfWork,
    *,
    user_id: uuid.UUID,
    req: ReportRequest,
    retention: timedelta,
    client: ClientInfo,
    in_progress_max: int,
) -> ReportView:
    """A pending report row and its ``export_requested`` audit row, in one transaction.

    Refused while the user already has ``in_progress_max`` reports waiting or being generated
    (``pending``): one user cannot keep the generators busy (issue 20). Requests of one user
    count in turn (a per-user lock), so parallel requests cannot all pass the cap together.
    """
    session = uow.db
    await lock_user_work(session, "report", user_id)
    in_progress = int(
        await session.scalar(
            select(func.count())
            .select_from(report)
            .where(report.c.user_id == user_id, report.c.status == ReportStatus.pending.value)
        )
        or 0
    )
    if in_progress >= in_progress_max:
        raise ReportsInProgress(details={"in_progress": in_progress, "limit": in_progress_max})
    report_id = uuid.uuid4()
    row = (
        await session.execute(
            insert(report)
            .values(
                id=report_id,
                user_id=user_id,
                format=req.format.value,
                status=ReportStatus.pending.value,
                date_from=req.date_from,
                date_to=req.date_to,
                include_bets=req.include_bets,
                include_transactions=req.include_transactions,
                include_statistics=req.include_statistics,
                filename=req.filename(),
                storage_key=f"{user_id}/{report_id}.{req.format.value}",
                expires_at=func.now() + retention,
            )
            .returning(*report.c)
        )
    ).one()
    await uow.audit.add(
        AuditEntry(
            action=AuditAction.export_requested,
            status=AuditStatus.success,
            user_id=user_id,
            details={
                "report_id": str(report_id),
                "format": req.format.value,
                "date_from": req.date_from.isoformat(),
                "date_to": req.date_to.isoformat(),
                "include_bets": req.include_bets,
                "include_transactions": req.include_transactions,
                "include_statistics": req.include_statistics,
            },
            client=client,
        ),
    )
    return _view(row)


async def get_report(
    uow: WalletUnitOfWork, report_id: uuid.UUID, *, user_id: uuid.UUID | None
) -> ReportView:
    """The report; with ``user_id``, only that user's (another user's id is not found)."""
    statement = select(report).where(report.c.id == report_id)
    if user_id is not None:
        statement = statement.where(report.c.user_id == user_id)
    row = (await uow.db.execute(statement)).one_or_none()
    if row is None:
        raise ReportNotFound()
    return _view(row)


async def list_reports(
    uow: WalletUnitOfWork, user_id: uuid.UUID, *, limit: int, offset: int
) -> list[ReportView]:
    rows = await uow.db.execute(
        select(report)
        .where(report.c.user_id == user_id)
        .order_by(report.c.created_at.desc(), report.c.id)
        .limit(limit)
        .offset(offset)
    )
    return [_view(r) for r in rows]


# --- links ---------------------------------------------------------------------------------


def download_link(settings: Settings, view: ReportView, now: datetime) -> tuple[str, datetime]:
    """A fresh signed link (relative URL) and when it stops working."""
    expires_at_s = int(now.timestamp()) + settings.report_link_ttl_s
    sig = link_signature(settings.report_link_key, view.id, view.user_id, expires_at_s)
    url = (
        DOWNLOAD_PATH.format(report_id=view.id) + "?" + urlencode({"exp": expires_at_s, "sig": sig})
    )
    return url, datetime.fromtimestamp(expires_at_s, UTC)


async def resolve_download(
    uow: WalletUnitOfWork,
    settings: Settings,
    *,
    report_id: uuid.UUID,
    expires_at_s: int,
    signature: str,
    now: datetime,
) -> ReportView:
    """The report a signed link names, if the link is genuine and current and the file is kept.

    An unknown id and a bad signature are the same answer (403): a link is the credential, and
    the answer must not tell which report ids exist.
    """
    try:
        view = await get_report(uow, report_id, user_id=None)
    except ReportNotFound:
        raise ReportLinkInvalid() from None
    check_link(
        settings.report_link_key,
        report_id=view.id,
        user_id=view.user_id,
        expires_at_s=expires_at_s,
        signature=signature,
        now_s=int(now.timestamp()),
    )
    if view.status == ReportStatus.expired or view.expires_at <= now:
        raise ReportExpired()
    if view.status == ReportStatus.failed:
        raise ReportFailed()
    return view


# --- what goes in a report ---------------------------------------------------------------------

_SUMMARY_SQL = """
    WITH b AS (
        SELECT count(*) AS bets_placed,
               count(*) FILTER (WHERE status = 'open') AS open_bets,
               count(*) FILTER (WHERE status IN ('void', 'cancelled')) AS void_bets,{bet_totals}
        FROM wallet.bet
        WHERE user_id = :user_id
          AND COALESCE(placed_at, created_at) >= :start AND COALESCE(placed_at, created_at) < :end
    ), t AS (
        SELECT count(*) AS transaction_count,
               COALESCE(sum(amount_minor)
                        FILTER (WHERE type = 'deposit' AND status = 'completed'), 0) AS deposits,
               COALESCE(-sum(amount_minor) FILTER (WHERE type = 'withdrawal'
                        AND status IN ('pending', 'completed')), 0) AS withdrawals
        FROM wallet.balance_transaction
        WHERE user_id = :user_id AND created_at >= :start AND created_at < :end
    )
    SELECT b.*, t.*,
        COALESCE((SELECT balance_after_minor FROM wallet.balance_transaction
                  WHERE user_id = :user_id AND created_at < :start
                  ORDER BY id DESC LIMIT 1), 0) AS opening,
        COALESCE((SELECT balance_after_minor FROM wallet.balance_transaction
                  WHERE user_id = :user_id AND created_at < :end
                  ORDER BY id DESC LIMIT 1), 0) AS closing
    FROM b CROSS JOIN t
"""
_SUMMARY = text(_SUMMARY_SQL.format(bet_totals=BET_TOTALS_COLUMNS))

_DAILY_BALANCE = text(
    """
    SELECT DISTINCT ON (day) (created_at AT TIME ZONE 'UTC')::date AS day, balance_after_minor
    FROM wallet.balance_transaction
    WHERE user_id = :user_id AND created_at >= :start AND created_at < :end
    ORDER BY day, id DESC
    """
)


async def period_summary(
    conn: AsyncConnection, user_id: uuid.UUID, date_from: date, date_to: date
) -> PeriodSummary:
    start, end = day_bounds(date_from, date_to)
    r = (await conn.execute(_SUMMARY, {"user_id": user_id, "start": start, "end": end})).one()
    return PeriodSummary(
        totals=BetTotals(
            wins=int(r.wins),
            losses=int(r.losses),
            staked_bets=int(r.staked_bets),
            total_bet_minor=int(r.total_bet),
            total_won_minor=int(r.total_won),
            total_lost_minor=int(r.total_lost),
            biggest_win_minor=int(r.biggest_win),
            biggest_loss_minor=int(r.biggest_loss),
        ),
        bets_placed=int(r.bets_placed),
        open_bets=int(r.open_bets),
        void_bets=int(r.void_bets),
        deposits_minor=int(r.deposits),
        withdrawals_minor=int(r.withdrawals),
        opening_balance_minor=int(r.opening),
        closing_balance_minor=int(r.closing),
        transaction_count=int(r.transaction_count),
    )


async def balance_points(
    conn: AsyncConnection,
    user_id: uuid.UUID,
    date_from: date,
    date_to: date,
    *,
    opening_minor: int,
    closing_minor: int,
) -> list[tuple[date, int]]:
    """Available balance at the start, at the end of each day with activity, and at the end."""
    start, end = day_bounds(date_from, date_to)
    rows = await conn.execute(_DAILY_BALANCE, {"user_id": user_id, "start": start, "end": end})
    points = [(date_from, opening_minor)]
    points += [(r.day, int(r.balance_after_minor)) for r in rows]
    if points[-1][0] < date_to:
        points.append((date_to, closing_minor))
    return points


def _bets_query(user_id: uuid.UUID, date_from: date, date_to: date) -> Select[Any]:
    start, end = day_bounds(date_from, date_to)
    placed = func.coalesce(bet.c.placed_at, bet.c.created_at)
    return (
        select(
            bet.c.bet_id,
            bet.c.placed_at,
            bet.c.settled_at,
            bet.c.bet_type,
            bet.c.legs,
            bet.c.stake_minor,
            bet.c.coefficient,
            bet.c.potential_win_minor,
            bet.c.status,
            bet.c.payout_minor,
        )
        .where(bet.c.user_id == user_id, placed >= start, placed < end)
        .order_by(placed, bet.c.bet_id)
    )


def _entries_query(user_id: uuid.UUID, date_from: date, date_to: date) -> Select[Any]:
    start, end = day_bounds(date_from, date_to)
    t = balance_transaction
    return (
        select(
            t.c.id,
            t.c.created_at,
            t.c.type,
            t.c.amount_minor,
            t.c.balance_before_minor,
            t.c.balance_after_minor,
            t.c.status,
            t.c.description,
            t.c.reference,
        )
        .where(t.c.user_id == user_id, t.c.created_at >= start, t.c.created_at < end)
        .order_by(t.c.id)
    )


async def stream_bets(conn: AsyncConnection, statement: Select[Any]) -> AsyncIterator[BetLine]:
    """Rows from a server-side cursor, a batch at a time: never the whole period in memory."""
    result = await conn.stream(statement.execution_options(yield_per=STREAM_BATCH_ROWS))
    async for r in result:
        yield BetLine(
            bet_id=r.bet_id,
            placed_at=r.placed_at,
            settled_at=r.settled_at,
            bet_type=r.bet_type,
            selections=describe_legs(r.legs or []),
            stake_minor=int(r.stake_minor),
            coefficient=r.coefficient,
            potential_win_minor=r.potential_win_minor,
            status=r.status,
            payout_minor=r.payout_minor,
        )


async def stream_entries(
    conn: AsyncConnection, statement: Select[Any]
) -> AsyncIterator[HistoryEntry]:
    result = await conn.stream(statement.execution_options(yield_per=STREAM_BATCH_ROWS))
    async for r in result:
        yield HistoryEntry(
            id=int(r.id),
            created_at=r.created_at,
            type=r.type,
            amount_minor=int(r.amount_minor),
            balance_before_minor=int(r.balance_before_minor),
            balance_after_minor=int(r.balance_after_minor),
            status=r.status,
            description=r.description,
            reference=r.reference,
        )


async def report_header(
    conn: AsyncConnection,
    user_id: uuid.UUID,
    *,
    title: str,
    date_from: date,
    date_to: date,
    generated_at: datetime,
) -> ReportHeader:
    row = (
        await conn.execute(
            select(wallet.c.currency, account_holder.c.name, account_holder.c.email)
            .select_from(
                wallet.outerjoin(account_holder, account_holder.c.user_id == wallet.c.user_id)
            )
            .where(wallet.c.user_id == user_id)
        )
    ).one_or_none()
    return ReportHeader(
        title=title,
        holder_name=(row.name if row is not None and row.name else str(user_id)),
        holder_email=(row.email if row is not None and row.email else ""),
        user_id=user_id,
        currency=row.currency if row is not None else "",
        date_from=date_from,
        date_to=date_to,
        generated_at=generated_at,
    )


# --- generation ----------------------------------------------------------------------------


async def write_report_file(
    engine: AsyncEngine, view: ReportView, path: Path, *, pdf_max_rows: int
) -> int:
    """Render the report into ``path`` from one consistent snapshot; the rows listed."""
    req = view.request
    async with engine.connect() as raw:
        conn = await raw.execution_options(isolation_level="REPEATABLE READ")
        async with conn.begin():
            header = await report_header(
                conn,
                view.user_id,
                title="Betting report",
                date_from=req.date_from,
                date_to=req.date_to,
                generated_at=datetime.now(UTC),
            )
            summary = await period_summary(conn, view.user_id, req.date_from, req.date_to)
            if req.format == ReportFormat.csv:
                return await _write_csv(conn, view, header, summary, path)
            return await _write_pdf(conn, view, header, summary, path, pdf_max_rows)


async def _write_csv(
    conn: AsyncConnection,
    view: ReportView,
    header: ReportHeader,
    summary: PeriodSummary,
    path: Path,
) -> int:
    req = view.request
    with path.open("w", encoding="utf-8", newline="") as handle:
        writer = CsvReportWriter(handle)
        writer.header(header)
        if req.include_bets:
            await writer.bets(
                stream_bets(conn, _bets_query(view.user_id, req.date_from, req.date_to))
            )
        if req.include_transactions:
            await writer.transactions(
                stream_entries(conn, _entries_query(view.user_id, req.date_from, req.date_to))
            )
        if req.include_statistics:
            writer.statistics(summary.metrics())
    return writer.rows


async def _write_pdf(
    conn: AsyncConnection,
    view: ReportView,
    header: ReportHeader,
    summary: PeriodSummary,
    path: Path,
    max_rows: int,
) -> int:
    req = view.request
    document = PdfReport(header=header, metrics=summary.metrics() if req.include_statistics else [])
    if req.include_statistics:
        document.balance_points = await balance_points(
            conn,
            view.user_id,
            req.date_from,
            req.date_to,
            opening_minor=summary.opening_balance_minor,
            closing_minor=summary.closing_balance_minor,
        )
    if req.include_bets:
        query = _bets_query(view.user_id, req.date_from, req.date_to).limit(max_rows)
        document.bets = [b async for b in stream_bets(conn, query)]
        document.bets_total = summary.bets_placed
    if req.include_transactions:
        query = _entries_query(view.user_id, req.date_from, req.date_to).limit(max_rows)
        document.entries = [e async for e in stream_entries(conn, query)]
        document.entries_total = summary.transaction_count
    await asyncio.to_thread(render_pdf, path, document, max_rows=max_rows)
    return len(document.bets or []) + len(document.entries or [])


_CLAIM = (
    select(report)
    .where(report.c.status == ReportStatus.pending.value)
    .order_by(report.c.created_at)
    .limit(1)
    .with_for_update(skip_locked=True)
)


async def generate_next(
    engine: AsyncEngine,
    storage: ReportStorage,
    settings: Settings,
    *,
    report_id: uuid.UUID | None = None,
) -> ReportView | None:
    """Claim one pending report (``report_id``'s, or the oldest) and generate it.

    The claim is a row lock taken with ``FOR UPDATE SKIP LOCKED`` and held until the report is
    stored: replicas (and the in-process start after a request) never generate the same report
    twice, and a worker that dies releases its claim with its connection, so the report is
    picked up again. None when there was nothing to claim.
    """
    statement = _CLAIM if report_id is None else _CLAIM.where(report.c.id == report_id)
    async with engine.connect() as conn, conn.begin():
        row = (await conn.execute(statement)).one_or_none()
        if row is None:
            return None
        view = _view(row)
        try:
            size, rows = await _generate_and_store(engine, storage, settings, view)
            values: dict[str, Any] = {
                "status": ReportStatus.ready.value,
                "file_size_bytes": size,
                "row_count": rows,
                "ready_at": func.now(),
            }
        except Exception as exc:  # any failure: the user sees "failed" and may export again
            log.exception("report.failed", report_id=str(view.id))
            values = {"status": ReportStatus.failed.value, "error": repr(exc)[:500]}
        done = (
            await conn.execute(
                update(report)
                .where(report.c.id == view.id)
                .values(**values, attempts=report.c.attempts + 1)
                .returning(*report.c)
            )
        ).one()
    log.info("report.generated", report_id=str(view.id), status=done.status)
    return _view(done)


async def _generate_and_store(
    engine: AsyncEngine, storage: ReportStorage, settings: Settings, view: ReportView
) -> tuple[int, int]:
    with tempfile.TemporaryDirectory(prefix="wallet-report-") as workdir:
        path = Path(workdir) / view.filename
        rows = await write_report_file(
            engine, view, path, pdf_max_rows=settings.report_pdf_max_rows
        )
        size = await storage.put_file(view.storage_key, path, view.content_type)
    return size, rows


async def generate_pending(
    engine: AsyncEngine, storage: ReportStorage, settings: Settings, *, limit: int = 20
) -> int:
    """The periodic job's work: generate pending reports, oldest first; how many it handled."""
    handled = 0
    while handled < limit and await generate_next(engine, storage, settings) is not None:
        handled += 1
    return handled


async def expire_reports(engine: AsyncEngine, storage: ReportStorage, *, limit: int = 500) -> int:
    """Delete the files of reports past their retention and mark them expired (then 410)."""
    async with engine.begin() as conn:
        rows = list(
            await conn.execute(
                select(report.c.id, report.c.storage_key)
                .where(
                    report.c.status != ReportStatus.expired.value,
                    report.c.expires_at <= func.now(),
                )
                .order_by(report.c.expires_at)
                .limit(limit)
                .with_for_update(skip_locked=True)
            )
        )
        for r in rows:
            await storage.delete(r.storage_key)
        if rows:
            await conn.execute(
                update(report)
                .where(report.c.id.in_([r.id for r in rows]))
                .values(status=ReportStatus.expired.value)
            )
    return len(rows)
