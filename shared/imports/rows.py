"""What every import's rows have in common: the columns of a template, a row's problems, the table read
row by row with its required columns checked, a date as people write it."""

from __future__ import annotations

import re
from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass, field
from datetime import date
from typing import Any

from shared.contracts.cases import RecipientCategory
from shared.imports.errors import ImportFileRefused
from shared.kernel.places import community_key

_DATE = re.compile(r"(\d{4})\s*[-/.年]\s*(\d{1,2})\s*[-/.月]\s*(\d{1,2})\s*日?")


@dataclass(frozen=True)
class Column:
    header: str
    required: bool
    rule_zh: str
    rule_en: str
    example: str


@dataclass(frozen=True)
class RowProblem:
    """What is wrong with one value of one row: `row` is the spreadsheet's row number (the header is row 1)."""

    row: int
    column: str
    value: str
    """Masked: an ID number, phone, name or address never shows in full."""
    code: str
    zh: str
    en: str

    def as_dict(self) -> dict[str, Any]:
        return {"row": self.row, "column": self.column, "value": self.value, "code": self.code,
                "message_zh": self.zh, "message_en": self.en}


@dataclass(frozen=True)
class Checked:
    """The file's rows as checked: those ready to send (each `as_command_row`), and every problem found."""

    row_count: int
    rows: list[dict[str, Any]] = field(default_factory=list)
    problems: list[RowProblem] = field(default_factory=list)
    categories: tuple[RecipientCategory, ...] = ()
    """The categories the roster covers: a person of an earlier roster of these who is not on it has left."""

    @property
    def rows_with_problems(self) -> int:
        return len({p.row for p in self.problems})


def header_key(header: str) -> str:
    """A column's header as it is matched: compared as a community's name is (spaces and full-width forms aside)."""
    return community_key(header)


def clipped(_: str, value: str) -> str:
    """A value as a problem shows it, when nothing in it is personal."""
    return value[:40]


@dataclass
class Row:
    """One row of the table: its spreadsheet number, its values by header, and the problems found in it."""

    number: int
    values: dict[str, str]
    show: Callable[[str, str], str]
    problems: list[RowProblem] = field(default_factory=list)

    def wrong(self, column: str, code: str, zh: str, en: str) -> None:
        self.problems.append(RowProblem(self.number, column, self.show(column, self.values.get(column, "")), code,
                                        zh, en))

    def past_day(self, column: str, today: date, born: date | None = None) -> date | None:
        """The column's day, not after today (nor before `born`, the person's birth date, when known); a problem
        noted and None when it is not one. None, and nothing noted, when the column is empty."""
        value = self.values.get(column, "")
        if not value:
            return None
        day = parse_date(value)
        if day is None:
            self.wrong(column, "bad_date", "不是日期，应写成 2024-03-01", "is not a date; write it as 2024-03-01")
        elif day > today:
            self.wrong(column, "date_in_future", "晚于今天", "is after today")
            return None
        elif born is not None and day < born:
            self.wrong(column, "before_birth", "早于出生日期", "is before the birth date")
            return None
        return day


def rows_of(table: Sequence[Sequence[str]], headers: Sequence[str], required: Sequence[str],
            show: Callable[[str, str], str] = clipped) -> Iterator[Row]:
    """The rows after the header that are not blank, each with its values (by `headers`, matched by `header_key`)
    and a `required` problem for each required column left empty; `show` masks a value a problem shows. A header
    without every required column refuses the whole file."""
    header = [header_key(h) for h in table[0]]
    missing = [h for h in required if h not in header]
    if missing:
        raise ImportFileRefused(f"第 1 行缺少列：{'、'.join(missing)}（请用模板的表头）",
                                f"row 1 lacks the columns {', '.join(missing)} (use the template's headers)")
    at = {h: header.index(h) for h in headers if h in header}
    for number, cells in enumerate(table[1:], start=2):
        values = {h: (cells[i] if i < len(cells) else "").strip() for h, i in at.items()}
        if not any(values.values()):
            continue
        row = Row(number, values, show)
        for column in required:
            if not values.get(column):
                row.wrong(column, "required", "必填，不能为空", "required, it is empty")
        yield row


def parse_date(text: str) -> date | None:
    match = _DATE.fullmatch(text.strip())
    if match is None:
        return None
    try:
        return date(int(match[1]), int(match[2]), int(match[3]))
    except ValueError:
        return None


