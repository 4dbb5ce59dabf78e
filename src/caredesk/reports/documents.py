"""A report as files: PDF (fpdf2, its core fonts: nothing to download), CSV and XLSX
(XlsxWriter). Built from a dashboard's figures alone, which hold counts and ratios, never a
ticket's content or a person's health information."""

from __future__ import annotations

import csv
import io
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from fpdf import FPDF
from xlsxwriter import Workbook

from caredesk.reports.executive import Executive
from caredesk.reports.selectors import BY, VOLUME, Dashboard, Kpi
from caredesk.reports.templatetags.reports import kpi as shown


@dataclass(frozen=True)
class Section:
    """A table a report adds after the dashboard's: its title, column heads and rows."""

    title: str
    head: list[str]
    rows: list[list[Any]]


@dataclass(frozen=True)
class Report:
    title: str  # e.g. "Weekly report: the whole desk"
    scope: str
    board: Dashboard
    made_at: datetime
    sections: list[Section] = field(default_factory=list)


def _money(value: Any) -> str:
    return "-" if value is None else f"${value:,.2f}"


def executive_sections(page: Executive) -> list[Section]:
    """The executive's figures as tables: the business's key figures, incidents, contracts,
    request types week by week and repairs (the monthly report and the business review)."""
    shown_keys = {k.key for k in page.board.kpis}
    extra: list[Kpi] = [k for k in page.kpis if k.key not in shown_keys]
    m, r = page.money, page.repairs
    weeks = page.request_types
    sections = [
        Section("Business key figures", ["Key figure", "Value", "Target", "Band", "Before"],
                [_kpi_row(k) for k in extra]),
        Section("Incidents resolved", ["Severity", "Resolved", "To acknowledge", "To resolve",
                                       "Target", "Within target"],
                [[i.label, i.resolved, shown(i.mtta, "min"), shown(i.mttr, "min"),
                  f"{i.target_minutes} min" if i.target_minutes else "-",
                  shown(i.within_share, "%")] for i in page.incidents]),
        Section(f"Service contracts, {m.start:%d %b %Y} to {m.end:%d %b %Y}", ["Figure", "Value"],
                [["Revenue", _money(m.revenue)], ["Customers under contract", m.customers],
                 ["Revenue per customer a year", _money(m.per_customer)],
                 ["Plan churn", shown(m.churn, "%")],
                 ["Expected lifetime (years)",
                  "-" if m.lifetime_years is None else f"{m.lifetime_years:.1f}"],
                 ["Customer lifetime value", _money(m.lifetime_value)]]),
        Section("Repairs", ["Figure", "Value"],
                [["RMAs opened", r.opened], ["under warranty", r.warranty], ["paid", r.paid],
                 ["Shipped back", r.shipped], ["Repair cost per unit", _money(r.cost_per_unit)],
                 *([["Most frequent failure mode", f"{r.modes[0][0]} ({r.modes[0][2]:.0f} %)"]]
                   if r.modes else [])]),
    ]  # fmt: skip
    if weeks.series:
        sections.append(
            Section(
                "Tickets opened per week, by request type",
                ["Week of", *(name for name, _c in weeks.series)],
                [[f"{w:%d %b %Y}", *(c[i] for _n, c in weeks.series)]
                 for i, w in enumerate(weeks.weeks)],
            )
        )  # fmt: skip
    return sections


def _kpi_row(k: Kpi) -> list[str]:
    target = k.target.describe() if k.target else ""
    return [k.label, shown(k.value, k.unit), target, k.band_label, shown(k.before, k.unit)]


def _kpi_rows(board: Dashboard) -> list[list[str]]:
    return [_kpi_row(k) for k in board.kpis]


def _volume_rows(board: Dashboard) -> list[list[Any]]:
    rows: list[list[Any]] = [[label, board.totals[m], board.before[m]] for m, label in VOLUME]
    rows.append(["Open at the end", board.backlog_end, board.backlog_start])
    return rows


def _breakdown_rows(board: Dashboard) -> list[list[Any]]:
    return [
        [r["label"], r["created"], r["solved"], shown(r["fcr_rate"], "%"),
         shown(r["within_sla"], "%"), shown(r["frt_hours"], "h"), r["escalations"]]
        for r in board.breakdown
    ]  # fmt: skip


BREAKDOWN_HEAD = ["Opened", "Solved", "FCR", "Within SLA", "First response", "Escalations"]


def as_csv(report: Report) -> bytes:
    out = io.StringIO()
    w = csv.writer(out)
    b = report.board
    w.writerow([report.title])
    w.writerow(["Period", b.filters.start.isoformat(), b.filters.end.isoformat()])
    w.writerow([])
    w.writerow(["Key figure", "Value", "Target", "Band", "Previous period"])
    w.writerows(_kpi_rows(b))
    w.writerow([])
    w.writerow(["Figure", "This period", "Previous period"])
    w.writerows(_volume_rows(b))
    if b.breakdown:
        w.writerow([])
        w.writerow(["Team", *BREAKDOWN_HEAD])
        w.writerows(_breakdown_rows(b))
    for section in report.sections:
        w.writerow([])
        w.writerow([section.title])
        w.writerow(section.head)
        w.writerows(section.rows)
    w.writerow([])
    w.writerow(["Day", "Opened", "Solved", "Escalations", "Open at the end"])
    w.writerows(
        [
            [d["day"].isoformat(), d["created"], d["solved"], d["escalations"], d["backlog"]]
            for d in b.days
        ]
    )
    return out.getvalue().encode("utf-8-sig")


def as_xlsx(report: Report) -> bytes:
    out = io.BytesIO()
    book = Workbook(out, {"in_memory": True})
    bold = book.add_format({"bold": True})
    b = report.board

    def sheet(name: str, head: list[str], rows: list[list[Any]]) -> None:
        ws = book.add_worksheet(name)
        ws.write_row(0, 0, head, bold)
        for i, row in enumerate(rows, start=1):
            ws.write_row(i, 0, row)
        ws.set_column(0, 0, 28)
        ws.set_column(1, len(head), 14)

    sheet("Key figures", ["Key figure", "Value", "Target", "Band", "Previous period"], _kpi_rows(b))
    sheet("Volume", ["Figure", "This period", "Previous period"], _volume_rows(b))
    if b.breakdown:
        sheet("By team", ["Team", *BREAKDOWN_HEAD], _breakdown_rows(b))
    days = [
        [d["day"].isoformat(), d["created"], d["solved"], d["escalations"], d["backlog"]]
        for d in b.days
    ]
    sheet("Days", ["Day", "Opened", "Solved", "Escalations", "Open at the end"], days)
    for section in report.sections:  # a sheet's name: at most 31 characters, no ":"
        sheet(section.title.split(",")[0][:31], section.head, section.rows)
    book.close()
    return out.getvalue()


def _latin(text: Any) -> str:
    """The PDF's core fonts hold Latin-1: other characters are replaced, never dropped."""
    value = str(text).replace("–", "-").replace("−", "-").replace("≥", ">=").replace("≤", "<=")
    return value.encode("latin-1", "replace").decode("latin-1")


class _Pdf(FPDF):
    footer_text = ""

    def footer(self) -> None:
        self.set_y(-12)
        self.set_font("Helvetica", size=8)
        self.set_text_color(90, 99, 110)
        self.cell(0, 6, _latin(f"{self.footer_text} - page {self.page_no()}"), align="C")


def as_pdf(report: Report) -> bytes:
    b = report.board
    pdf = _Pdf(orientation="portrait", unit="mm", format="A4")
    pdf.footer_text = f"CareDesk - {report.title}"
    pdf.set_title(_latin(report.title))
    pdf.set_author("CareDesk")
    pdf.set_creation_date(report.made_at)
    pdf.set_auto_page_break(auto=True, margin=16)
    pdf.add_page()
    pdf.set_font("Helvetica", "B", 16)
    pdf.multi_cell(0, 8, _latin(report.title), new_x="LMARGIN", new_y="NEXT")
    pdf.set_font("Helvetica", size=10)
    f = b.filters
    period = f"{f.start:%d %b %Y} to {f.end:%d %b %Y}, compared with the {f.days} days before"
    pdf.multi_cell(0, 6, _latin(f"{report.scope}. {period}."), new_x="LMARGIN", new_y="NEXT")
    pdf.ln(3)
    _table(
        pdf,
        "Key figures against their targets",
        ["Key figure", "Value", "Target", "Band", "Before"],
        _kpi_rows(b),
        [62, 28, 30, 26, 28],
    )
    _table(pdf, "Volume", ["Figure", "This period", "Before"], _volume_rows(b), [70, 35, 35])
    _bars(pdf, b)
    if b.breakdown:
        _table(pdf, f"By {BY['team'].lower()}", ["Team", *BREAKDOWN_HEAD], _breakdown_rows(b),
               [46, 20, 20, 22, 24, 26, 22])  # fmt: skip
    if b.top_organizations:
        rows = [
            [r["label"], r["created"], r["solved"], r["escalations"]] for r in b.top_organizations
        ]
        _table(pdf, "Top customers by volume", ["Organization", "Opened", "Solved", "Escalations"],
               rows, [80, 30, 30, 30])  # fmt: skip
    for section in report.sections:
        _table(pdf, section.title, section.head, section.rows, _widths(len(section.head)))
    _table(pdf, "Each day", ["Day", "Opened", "Solved", "Escalations", "Open at the end"],
           [[f"{d['day']:%a %d %b %Y}", d["created"], d["solved"], d["escalations"], d["backlog"]]
            for d in b.days], [50, 26, 26, 30, 34])  # fmt: skip
    return bytes(pdf.output())


def _table(
    pdf: FPDF, title: str, head: list[str], rows: list[list[Any]], widths: list[int]
) -> None:
    pdf.set_font("Helvetica", "B", 12)
    pdf.cell(0, 8, _latin(title), new_x="LMARGIN", new_y="NEXT")
    pdf.set_font("Helvetica", "B", 9)
    pdf.set_fill_color(238, 241, 244)
    for text, width in zip(head, widths, strict=True):
        pdf.cell(width, 6, _latin(text), border=1, fill=True, align="L" if text == head[0] else "R")
    pdf.ln()
    pdf.set_font("Helvetica", size=9)
    for row in rows:
        for i, (value, width) in enumerate(zip(row, widths, strict=True)):
            pdf.cell(width, 6, _latin(value), border=1, align="L" if i == 0 else "R")
        pdf.ln()
    pdf.ln(4)


def _widths(columns: int) -> list[int]:
    """Column widths (mm) filling the page: the first, which names the row, the widest."""
    if columns == 1:
        return [170]
    first = 62 if columns <= 4 else 40
    rest = (170 - first) // (columns - 1)
    return [first, *([rest] * (columns - 1))]


def _bars(pdf: FPDF, b: Dashboard) -> None:
    """Tickets opened per day as bars (the values are in the table "Each day")."""
    if not b.days:
        return
    pdf.set_font("Helvetica", "B", 12)
    pdf.cell(0, 8, "Tickets opened per day", new_x="LMARGIN", new_y="NEXT")
    top = max([1, *(d["created"] for d in b.days)])
    x0, y0, width, height = pdf.l_margin, pdf.get_y() + 2, 170.0, 30.0
    step = width / len(b.days)
    pdf.set_fill_color(11, 92, 173)
    for i, d in enumerate(b.days):
        h = height * d["created"] / top
        if h > 0:
            pdf.rect(x0 + i * step + step * 0.15, y0 + height - h, step * 0.7, h, style="F")
    pdf.set_draw_color(140, 149, 159)
    pdf.line(x0, y0 + height, x0 + width, y0 + height)
    pdf.set_font("Helvetica", size=8)
    pdf.set_xy(x0 + width + 1, y0 - 2)
    pdf.cell(15, 4, str(top))
    pdf.set_y(y0 + height + 4)
    pdf.ln(2)


def files_of(report: Report, *, pdf: bool, csv_: bool, xlsx: bool) -> list[tuple[str, str, bytes]]:
    """(file name, content type, bytes) for each format asked for."""
    stem = f"caredesk-report-{report.board.filters.start:%Y%m%d}-{report.board.filters.end:%Y%m%d}"
    out = []
    if pdf:
        out.append((f"{stem}.pdf", "application/pdf", as_pdf(report)))
    if csv_:
        out.append((f"{stem}.csv", "text/csv", as_csv(report)))
    if xlsx:
        mime = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
        out.append((f"{stem}.xlsx", mime, as_xlsx(report)))
    return out
