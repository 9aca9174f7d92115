"""Generated civil-affairs rosters: people with valid ID numbers, as CSV or XLSX, and the errors to seed in them."""

from __future__ import annotations

import csv
import io
from dataclasses import dataclass, replace
from datetime import date

from shared.id_number import check_character
from shared.imports.roster import HEADERS

FAMILY = "王李张刘陈杨黄赵吴周徐孙马朱胡郭何高林罗"
GIVEN = "桂兰秀英建国志强海燕玉梅德华春生金凤淑珍"


@dataclass(frozen=True)
class Person:
    name: str
    gender: str
    id_number: str
    phone: str
    community: str
    address: str
    categories: str
    valid_from: str
    birth_year: str = ""
    note: str = ""

    def cells(self) -> list[str]:
        return [self.name, self.gender, self.id_number, self.birth_year, self.phone, self.community, self.address,
                self.categories, self.valid_from, self.note]


def id_number(index: int, born: date, female: bool) -> str:
    """A valid 18-character number: region 430103, the birth date, a sequence whose parity says the gender."""
    sequence = (index * 2 + (0 if female else 1)) % 1000
    first17 = f"430103{born:%Y%m%d}{sequence:03d}"
    return first17 + check_character(first17)


def person(index: int, communities: list[str], categories: str = "低保", valid_from: str = "2024-03-01") -> Person:
    """The index-th person of a roster (a different ID number for each index below 500 per birth day)."""
    born = date(1940 + index % 40, 1 + index % 12, 1 + (index // 12) % 28)
    female = index % 2 == 0
    name = FAMILY[index % len(FAMILY)] + GIVEN[(index // 20) % len(GIVEN)] + GIVEN[(index // 7) % len(GIVEN)]
    return Person(name=name, gender="女" if female else "男", id_number=id_number(index, born, female),
                  phone=f"139{index:08d}", community=communities[index % len(communities)],
                  address=f"{communities[index % len(communities)]}{index % 30 + 1}栋{index % 6 + 1}0{index % 4 + 1}",
                  categories=categories, valid_from=valid_from)


def roster(count: int, communities: list[str], start: int = 0, **fields: str) -> list[Person]:
    return [person(i, communities, **fields) for i in range(start, start + count)]


def as_csv(people: list[Person], encoding: str = "utf-8-sig") -> bytes:
    out = io.StringIO()
    writer = csv.writer(out)
    writer.writerow(HEADERS)
    writer.writerows(p.cells() for p in people)
    return out.getvalue().encode(encoding)


def as_xlsx(people: list[Person]) -> bytes:
    from openpyxl import Workbook

    book = Workbook()
    sheet = book.active
    assert sheet is not None
    sheet.append(list(HEADERS))
    for p in people:
        sheet.append(p.cells())
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


def with_bad_check_digit(p: Person) -> Person:
    last = "0" if p.id_number[-1] != "0" else "1"
    return replace(p, id_number=p.id_number[:-1] + last)
