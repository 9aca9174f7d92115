"""A report as tables, each written as an XLSX sheet or a CSV file in the same layout."""

from __future__ import annotations

import csv
import io
from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Any

from openpyxl import Workbook
from openpyxl.styles import Alignment, Font
from openpyxl.utils import get_column_letter

COUNT = "#,##0"
HOURS = "0.0"
DAY = "yyyy-mm-dd"


@dataclass(frozen=True)
class Column:
    label: str
    width: float = 12
    number_format: str | None = None
    """None for text; COUNT, HOURS or DAY otherwise."""


@dataclass
class Table:
    """One sheet: a title line, a header row of Chinese labels, the rows, and a bold totals row if any."""

    sheet: str
    title: str
    columns: Sequence[Column]
    rows: list[list[Any]] = field(default_factory=list)
    totals: list[Any] | None = None
    notes: list[str] = field(default_factory=list)
    """Lines under the table: where the figures come from, what was masked."""

    @property
    def header(self) -> list[str]:
        return [c.label for c in self.columns]


def xlsx(tables: Sequence[Table]) -> bytes:
    """Every table a sheet: title in row 1, the header in row 2, rows from row 3, then the totals row."""
    book = Workbook()
    book.remove(book.active)
    for table in tables:
        sheet = book.create_sheet(table.sheet[:31])
        sheet.append([table.title])
        sheet["A1"].font = Font(bold=True, size=14)
        sheet.append(table.header)
        for cell in sheet[2]:
            cell.font = Font(bold=True)
            cell.alignment = Alignment(horizontal="center", vertical="center", wrap_text=True)
        for row in table.rows:
            sheet.append(row)
            _format(sheet[sheet.max_row], table.columns)
        if table.totals is not None:
            sheet.append(table.totals)
            _format(sheet[sheet.max_row], table.columns)
            for cell in sheet[sheet.max_row]:
                cell.font = Font(bold=True)
        for note in table.notes:
            sheet.append([note])
            sheet.cell(sheet.max_row, 1).font = Font(italic=True, color="666666")
        for n, column in enumerate(table.columns, start=1):
            sheet.column_dimensions[get_column_letter(n)].width = column.width
        sheet.freeze_panes = "A3"
    buffer = io.BytesIO()
    book.save(buffer)
    return buffer.getvalue()


def _format(cells: Sequence[Any], columns: Sequence[Column]) -> None:
    """The column's number format; a count column's cell with decimals (hours among counts) shows one."""
    for cell, column in zip(cells, columns, strict=False):
        if column.number_format is not None and cell.value is not None:
            decimals = column.number_format == COUNT and isinstance(cell.value, float)
            cell.number_format = HOURS if decimals else column.number_format


def csv_bytes(table: Table) -> bytes:
    """The header, the rows and the totals row, in UTF-8 with a BOM (Excel then reads the Chinese)."""
    text = io.StringIO()
    writer = csv.writer(text)
    writer.writerow(table.header)
    writer.writerows(table.rows)
    if table.totals is not None:
        writer.writerow(table.totals)
    return ("\ufeff" + text.getvalue()).encode("utf-8")
