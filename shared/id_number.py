"""Citizen ID numbers (居民身份证号码) under GB 11643-1999: 17 digits and a check character."""

from __future__ import annotations

import re
from datetime import date

from shared.contracts.errors import InvalidInput, Message


class InvalidIdNumber(InvalidInput):
    def __init__(self, reason_zh: str, reason_en: str) -> None:
        super().__init__(Message(zh=f"身份证号码无效：{reason_zh}", en=f"Invalid ID card number: {reason_en}"),
                         field="idNumber")

_WEIGHTS = (7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2)
_CHECK = "10X98765432"
_SHAPE = re.compile(r"\d{17}[\dX]")


def check_character(first17: str) -> str:
    """The 18th character that GB 11643's ISO 7064 MOD 11-2 checksum gives for the first 17 digits."""
    return _CHECK[sum(int(d) * w for d, w in zip(first17, _WEIGHTS, strict=True)) % 11]


def valid_id_number(value: str, birth_year: int, birth_date: date | None = None) -> str:
    """The number, upper-cased, when its shape, birth date and checksum are right and it matches the birth year
    (and the birth date, when known)."""
    number = value.strip().upper()
    if not _SHAPE.fullmatch(number):
        raise InvalidIdNumber("应为 17 位数字加 1 位校验码（数字或 X）", "it must be 17 digits and a check digit or X")
    try:
        born = date(int(number[6:10]), int(number[10:12]), int(number[12:14]))
    except ValueError as error:
        raise InvalidIdNumber("其中的出生日期不存在", "the birth date in it does not exist") from error
    if check_character(number[:17]) != number[17]:
        raise InvalidIdNumber("校验码不符", "the check digit does not match")
    if born.year != birth_year:
        raise InvalidIdNumber(f"其中的出生年份 {born.year} 与登记的 {birth_year} 不符",
                              f"its birth year {born.year} differs from the registered {birth_year}")
    if birth_date is not None and born != birth_date:
        raise InvalidIdNumber(f"其中的出生日期 {born} 与登记的 {birth_date} 不符",
                              f"its birth date {born} differs from the registered {birth_date}")
    return number


def masked(number: str) -> str:
    """The first four and last four characters, the rest hidden: 4301**********1234."""
    return number[:4] + "*" * (len(number) - 8) + number[-4:] if len(number) > 8 else "*" * len(number)
