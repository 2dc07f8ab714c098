"""PDF reports and statements (reportlab platypus), Cyrillic-safe with embedded DejaVu fonts.

Layout: header (title, holder, email, period, currency), summary table, a line chart of the
available balance over the period, then the bets and history tables (long tables split across
pages, header row repeated), "Page n of m" in every footer. Tables are capped at ``max_rows``
rows each (a note says how many were left out; the CSV export has every row): platypus lays out
a whole story in memory, so an unbounded PDF would be unbounded memory.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date
from functools import cache
from pathlib import Path
from typing import IO, Any
from xml.sax.saxutils import escape

from reportlab.graphics.charts.lineplots import LinePlot
from reportlab.graphics.shapes import Drawing, String
from reportlab.lib import colors
from reportlab.lib.pagesizes import A4
from reportlab.lib.styles import ParagraphStyle
from reportlab.lib.units import mm
from reportlab.pdfbase import pdfmetrics
from reportlab.pdfbase.ttfonts import TTFont
from reportlab.pdfgen.canvas import Canvas
from reportlab.platypus import (
    Flowable,
    LongTable,
    Paragraph,
    SimpleDocTemplate,
    Spacer,
    Table,
    TableStyle,
)

from common.money import format_minor
from wallet.domain.reports import BetLine, HistoryEntry, ReportHeader, odds_text

FONTS = Path(__file__).parent / "fonts"
REGULAR, BOLD = "DejaVuSans", "DejaVuSans-Bold"
ACCENT = colors.HexColor("#1f3a5f")
STRIPE = colors.HexColor("#f1f4f8")


@cache
def register_fonts() -> None:
    """Embed DejaVu Sans (Latin, Cyrillic, Greek…): the 14 standard PDF fonts have no Cyrillic."""
    pdfmetrics.registerFont(TTFont(REGULAR, str(FONTS / "DejaVuSans.ttf")))
    pdfmetrics.registerFont(TTFont(BOLD, str(FONTS / "DejaVuSans-Bold.ttf")))
    pdfmetrics.registerFontFamily(REGULAR, normal=REGULAR, bold=BOLD)


@dataclass
class PdfReport:
    header: ReportHeader
    metrics: list[tuple[str, str]]
    balance_points: list[tuple[date, int]] = field(default_factory=list)  # (day, minor)
    bets: list[BetLine] | None = None  # None: the section was not asked for
    entries: list[HistoryEntry] | None = None
    bets_total: int = 0  # rows in the period (more than shown when capped)
    entries_total: int = 0


def _styles() -> dict[str, ParagraphStyle]:
    base = ParagraphStyle("base", fontName=REGULAR, fontSize=8.5, leading=11)
    return {
        "base": base,
        "cell": ParagraphStyle("cell", parent=base, fontSize=7.5, leading=9),
        "title": ParagraphStyle(
            "title", parent=base, fontName=BOLD, fontSize=17, leading=21, textColor=ACCENT
        ),
        "h2": ParagraphStyle(
            "h2",
            parent=base,
            fontName=BOLD,
            fontSize=11.5,
            leading=15,
            spaceBefore=10,
            spaceAfter=4,
            textColor=ACCENT,
        ),
        "note": ParagraphStyle("note", parent=base, fontSize=7.5, textColor=colors.grey),
    }


def _table_style(numeric: list[int]) -> TableStyle:
    return TableStyle(
        [
            *[("ALIGN", (c, 0), (c, -1), "RIGHT") for c in numeric],
            ("FONTNAME", (0, 0), (-1, -1), REGULAR),
            ("FONTSIZE", (0, 0), (-1, -1), 7.5),
            ("FONTNAME", (0, 0), (-1, 0), BOLD),
            ("TEXTCOLOR", (0, 0), (-1, 0), colors.white),
            ("BACKGROUND", (0, 0), (-1, 0), ACCENT),
            ("ROWBACKGROUNDS", (0, 1), (-1, -1), [colors.white, STRIPE]),
            ("VALIGN", (0, 0), (-1, -1), "TOP"),
            ("LINEBELOW", (0, 0), (-1, 0), 0.6, ACCENT),
            ("TOPPADDING", (0, 0), (-1, -1), 2),
            ("BOTTOMPADDING", (0, 0), (-1, -1), 2),
        ]
    )


def _header(report: PdfReport, s: dict[str, ParagraphStyle]) -> list[Flowable]:
    h = report.header
    rows = [
        ["Account holder", h.holder_name],
        ["Email", h.holder_email],
        ["Period", f"{h.date_from.isoformat()} — {h.date_to.isoformat()} (UTC, inclusive)"],
        ["Currency", h.currency],
        ["Generated", h.generated_at.strftime("%Y-%m-%d %H:%M UTC")],
    ]
    table = Table(
        [[Paragraph(escape(k), s["base"]), Paragraph(escape(v), s["base"])] for k, v in rows],
        colWidths=[32 * mm, 140 * mm],
        hAlign="LEFT",
    )
    table.setStyle(TableStyle([("FONTNAME", (0, 0), (0, -1), BOLD)]))
    return [Paragraph(escape(h.title), s["title"]), Spacer(1, 4 * mm), table]


def _summary(metrics: list[tuple[str, str]], s: dict[str, ParagraphStyle]) -> list[Flowable]:
    half = (len(metrics) + 1) // 2
    left, right = metrics[:half], metrics[half:]
    rows: list[list[str]] = []
    for i in range(half):
        row = [*left[i]]
        row += [*right[i]] if i < len(right) else ["", ""]
        rows.append(row)
    table = Table(rows, colWidths=[45 * mm, 35 * mm, 45 * mm, 35 * mm], hAlign="LEFT")
    table.setStyle(
        TableStyle(
            [
                ("FONTNAME", (0, 0), (-1, -1), REGULAR),
                ("FONTSIZE", (0, 0), (-1, -1), 8.5),
                ("FONTNAME", (1, 0), (1, -1), BOLD),
                ("FONTNAME", (3, 0), (3, -1), BOLD),
                ("ALIGN", (1, 0), (1, -1), "RIGHT"),
                ("ALIGN", (3, 0), (3, -1), "RIGHT"),
                ("ROWBACKGROUNDS", (0, 0), (-1, -1), [STRIPE, colors.white]),
                ("BOX", (0, 0), (-1, -1), 0.5, ACCENT),
            ]
        )
    )
    return [Paragraph("Summary", s["h2"]), table]


def balance_chart(points: list[tuple[date, int]], currency: str) -> Drawing:
    """The available balance at the end of each day with activity (and at the start)."""
    drawing = Drawing(170 * mm, 62 * mm)
    if len(points) < 2:
        drawing.add(String(10, 80, "Not enough activity in the period for a chart.",
                           fontName=REGULAR, fontSize=8))  # fmt: skip
        return drawing
    origin = points[0][0]
    data = [((day - origin).days, minor / 100) for day, minor in points]
    plot = LinePlot()
    plot.x, plot.y = 14 * mm, 9 * mm
    plot.width, plot.height = 150 * mm, 48 * mm
    plot.data = [data]
    plot.lines[0].strokeColor = ACCENT
    plot.lines[0].strokeWidth = 1.4
    plot.xValueAxis.labels.fontName = REGULAR
    plot.xValueAxis.labels.fontSize = 6.5
    plot.xValueAxis.labelTextFormat = _day_label(origin)
    plot.yValueAxis.labels.fontName = REGULAR
    plot.yValueAxis.labels.fontSize = 6.5
    plot.yValueAxis.labelTextFormat = "%0.0f"
    plot.yValueAxis.visibleGrid = True
    plot.yValueAxis.gridStrokeColor = colors.HexColor("#dde3ea")
    drawing.add(plot)
    drawing.add(String(0, 60 * mm, f"Available balance, {currency}", fontName=BOLD, fontSize=7.5))
    return drawing


def _day_label(origin: date) -> Any:
    def label(value: float) -> str:
        return date.fromordinal(origin.toordinal() + int(value)).strftime("%d %b")

    return label


def _bets_table(report: PdfReport, max_rows: int, s: dict[str, ParagraphStyle]) -> list[Flowable]:
    assert report.bets is not None
    rows: list[list[Any]] = [["Placed", "Selections", "Stake", "Odds", "Status", "Payout"]]
    for b in report.bets[:max_rows]:
        rows.append(
            [
                b.placed_at.strftime("%Y-%m-%d %H:%M") if b.placed_at else "",
                Paragraph(escape(b.selections), s["cell"]),
                format_minor(b.stake_minor),
                odds_text(b.coefficient),
                b.status,
                "" if b.payout_minor is None else format_minor(b.payout_minor),
            ]
        )
    return _section("Bets", rows, report.bets_total, max_rows, s,
                    widths=[26, 78, 20, 14, 16, 20], numeric=[2, 3, 5])  # fmt: skip


def _entries_table(
    report: PdfReport, max_rows: int, s: dict[str, ParagraphStyle]
) -> list[Flowable]:
    assert report.entries is not None
    rows: list[list[Any]] = [["Date", "Type", "Description", "Amount", "Balance", "Status"]]
    for e in report.entries[:max_rows]:
        rows.append(
            [
                e.created_at.strftime("%Y-%m-%d %H:%M"),
                e.type,
                Paragraph(escape(e.description), s["cell"]),
                format_minor(e.amount_minor),
                format_minor(e.balance_after_minor),
                e.status,
            ]
        )
    return _section("Transactions", rows, report.entries_total, max_rows, s,
                    widths=[26, 22, 66, 20, 20, 20], numeric=[3, 4])  # fmt: skip


def _section(
    title: str,
    rows: list[list[Any]],
    total: int,
    max_rows: int,
    s: dict[str, ParagraphStyle],
    *,
    widths: list[int],
    numeric: list[int],
) -> list[Flowable]:
    out: list[Flowable] = [Paragraph(title, s["h2"])]
    if len(rows) == 1:
        return [*out, Paragraph("None in this period.", s["base"])]
    table = LongTable(rows, colWidths=[w * mm for w in widths], repeatRows=1, hAlign="LEFT")
    table.setStyle(_table_style(numeric))
    out.append(table)
    if total > max_rows:
        out.append(
            Paragraph(
                f"Showing the first {max_rows} of {total} rows; the CSV export has them all.",
                s["note"],
            )
        )
    return out


class _NumberedCanvas(Canvas):  # type: ignore[misc]  # reportlab ships no types
    """Defers each page until the end so the footer can say "Page n of m"."""

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self._pages: list[dict[str, Any]] = []

    def showPage(self) -> None:
        self._pages.append(dict(self.__dict__))
        self._startPage()

    def save(self) -> None:
        total = len(self._pages)
        for state in self._pages:
            self.__dict__.update(state)
            self.setFont(REGULAR, 7.5)
            self.setFillColor(colors.grey)
            self.drawRightString(A4[0] - 15 * mm, 9 * mm, f"Page {self._pageNumber} of {total}")
            self.drawString(15 * mm, 9 * mm, "LOOSELINE")
            super().showPage()
        super().save()


def render_pdf(target: Path | IO[bytes], report: PdfReport, *, max_rows: int) -> None:
    """Write the PDF (synchronous, CPU-bound: run it in a worker thread)."""
    register_fonts()
    s = _styles()
    story: list[Flowable] = [*_header(report, s), *_summary(report.metrics, s)]
    if report.balance_points:
        story += [Paragraph("Balance over the period", s["h2"]),
                  balance_chart(report.balance_points, report.header.currency)]  # fmt: skip
    if report.bets is not None:
        story += _bets_table(report, max_rows, s)
    if report.entries is not None:
        story += _entries_table(report, max_rows, s)
    h = report.header
    doc = SimpleDocTemplate(
        str(target) if isinstance(target, Path) else target,
        pagesize=A4,
        leftMargin=15 * mm,
        rightMargin=15 * mm,
        topMargin=14 * mm,
        bottomMargin=16 * mm,
        title=h.title,
        author="LOOSELINE",
        subject=f"{h.date_from.isoformat()} — {h.date_to.isoformat()}",
    )
    doc.build(story, canvasmaker=_NumberedCanvas)
