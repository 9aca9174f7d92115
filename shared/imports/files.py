"""Reading an uploaded XLSX or CSV into rows of text, in memory and bounded: nothing of it touches the disk."""

from __future__ import annotations

import csv
import io
import zipfile
from collections.abc import Iterator
from datetime import date, datetime

from shared.imports.errors import ImportFileRefused

MAX_FILE_BYTES = 8 * 1024 * 1024
"""An XLSX of 20,000 roster rows is about 1.5 MB; a CSV of them about 3 MB."""
MAX_ROWS = 20_000
"""Data rows, the header not counted: a street's rosters are hundreds to a few thousand people."""
MAX_CELL_CHARS = 200
MAX_COLUMNS = 40
_XLSX_MAGIC = b"PK\x03\x04"
_ENCODINGS = ("utf-8-sig", "gb18030")
"""UTF-8 (with or without BOM), then GB18030, which Excel and WPS in China write a CSV in."""


def read_table(content: bytes) -> list[list[str]]:
    """The file's first sheet (or the CSV) as rows of stripped text, the header first, empty trailing rows
    dropped; refused whole when too large, unreadable, or with too many rows, columns or characters in a cell."""
    if len(content) > MAX_FILE_BYTES:
        raise ImportFileRefused(f"文件大于 {MAX_FILE_BYTES // (1024 * 1024)} MB",
                                f"the file is larger than {MAX_FILE_BYTES // (1024 * 1024)} MB")
    if not content.strip():
        raise ImportFileRefused("文件是空的", "the file is empty")
    rows = _xlsx_rows(content) if content.startswith(_XLSX_MAGIC) else _csv_rows(content)
    table: list[list[str]] = []
    for number, row in enumerate(rows, start=1):
        if number > MAX_ROWS + 1:
            raise ImportFileRefused(f"数据行多于 {MAX_ROWS} 行，请分成几个文件导入",
                                    f"it has more than {MAX_ROWS} data rows; split it into several files")
        if any(row[MAX_COLUMNS:]):
            raise ImportFileRefused(f"列多于 {MAX_COLUMNS} 列", f"it has more than {MAX_COLUMNS} columns")
        row = row[:MAX_COLUMNS]
        long = next((i for i, cell in enumerate(row) if len(cell) > MAX_CELL_CHARS), None)
        if long is not None:
            raise ImportFileRefused(f"第 {number} 行第 {long + 1} 列多于 {MAX_CELL_CHARS} 个字符",
                                    f"row {number}, column {long + 1} has more than {MAX_CELL_CHARS} characters")
        table.append(row)
    while table and not any(table[-1]):
        table.pop()
    if not table:
        raise ImportFileRefused("文件是空的", "the file is empty")
    return table


def _text(value: object) -> str:
    if value is None:
        return ""
    if isinstance(value, datetime):
        return value.date().isoformat() if value.time() == datetime.min.time() else value.isoformat()
    if isinstance(value, date):
        return value.isoformat()
    if isinstance(value, float) and value.is_integer():
        return str(int(value))  # a phone or a year typed as a number
    return str(value).strip()


def _xlsx_rows(content: bytes) -> Iterator[list[str]]:
    from openpyxl import load_workbook

    try:
        book = load_workbook(io.BytesIO(content), read_only=True, data_only=True)
    except (zipfile.BadZipFile, KeyError, ValueError, OSError) as error:
        raise ImportFileRefused("不是可读的 XLSX 文件", "it is not a readable XLSX file") from error
    try:
        sheet = book.worksheets[0]
        for row in sheet.iter_rows(values_only=True):
            yield [_text(v) for v in row]
    finally:
        book.close()


def _csv_rows(content: bytes) -> Iterator[list[str]]:
    for encoding in _ENCODINGS:
        try:
            text = content.decode(encoding)
            break
        except UnicodeDecodeError:
            continue
    else:
        raise ImportFileRefused("CSV 既不是 UTF-8 也不是 GB18030 编码", "the CSV is neither UTF-8 nor GB18030")
    if "\x00" in text:
        raise ImportFileRefused("不是文本 CSV 文件", "it is not a text CSV file")
    try:
        for row in csv.reader(io.StringIO(text, newline="")):
            yield [cell.strip() for cell in row]
    except csv.Error as error:
        raise ImportFileRefused(f"CSV 格式有误：{error}", f"the CSV is malformed: {error}") from error
