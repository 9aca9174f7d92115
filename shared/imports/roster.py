"""The civil-affairs roster (民政名单) format: its columns, and the check of every row before anything is written.

A row names one person by ID number, with the categories the roster puts them in (低保, 特困, 残疾, 独居老人…)
and the day they entered the list. Every problem of every row is listed (row number, column, the value masked,
what is wrong in both languages); the rows without problems are what a commit sends to the cases service.
"""

from __future__ import annotations

import re
from collections.abc import Mapping, Sequence
from datetime import date
from typing import Any

from shared.contracts.cases import Gender, RecipientCategory
from shared.id_number import check_character, masked
from shared.imports.rows import Checked, Column, Row, parse_date, rows_of
from shared.kernel.places import community_key
from shared.masking import masked_name, masked_phone

NAME, GENDER, ID_NUMBER, BIRTH_YEAR, PHONE, COMMUNITY, ADDRESS, CATEGORY, VALID_FROM, NOTE = (
    "姓名", "性别", "身份证号码", "出生年份", "联系电话", "社区", "住址", "类别", "纳入日期", "备注")

CATEGORY_NAMES: Mapping[str, RecipientCategory] = {
    **dict.fromkeys(("低保", "低保户", "低保对象", "最低生活保障"), RecipientCategory.SUBSISTENCE_ALLOWANCE),
    **dict.fromkeys(("特困", "特困人员", "特困供养", "特困供养人员", "五保"), RecipientCategory.EXTREME_HARDSHIP),
    **dict.fromkeys(("残疾", "残障", "残疾人", "残障人士"), RecipientCategory.DISABLED),
    **dict.fromkeys(("独居老人", "独居", "空巢独居老人"), RecipientCategory.ELDERLY_LIVING_ALONE),
    "留守儿童": RecipientCategory.LEFT_BEHIND_CHILD,
    "困境儿童": RecipientCategory.CHILD_IN_DIFFICULTY,
    "困境家庭": RecipientCategory.FAMILY_IN_DIFFICULTY,
}
"""The names rosters use, to the categories (党员 is no civil-affairs roster's)."""
GENDERS: Mapping[str, Gender] = {"男": Gender.MALE, "女": Gender.FEMALE, "m": Gender.MALE, "f": Gender.FEMALE,
                                 "male": Gender.MALE, "female": Gender.FEMALE}

COLUMNS = (
    Column(NAME, True, "必填，与身份证一致", "Required, as on the ID card", "张桂兰"),
    Column(GENDER, True, "必填：男 或 女", "Required: 男 (male) or 女 (female)", "女"),
    Column(ID_NUMBER, True, "必填，18 位居民身份证号码（末位可为 X），校验码须正确；同一文件中不得重复",
           "Required: the 18-character citizen ID number (last may be X) with a right check digit; once per file",
           "430103194503120024"),
    Column(BIRTH_YEAR, False, "可不填（由身份证号码得出）；填写时须与身份证号码一致",
           "Optional (the ID number gives it); when given it must agree with the ID number", "1945"),
    Column(PHONE, False, "可不填；手机或固定电话", "Optional: a mobile or landline number", "13800138000"),
    Column(COMMUNITY, True, "必填：本街道的社区名称，或 12 位统计用区划代码",
           "Required: a community of the station's street, by name or 12-digit statistical code", "状元坡社区"),
    Column(ADDRESS, False, "可不填：住址", "Optional: the home address", "状元坡社区 3 栋 201"),
    Column(CATEGORY, True, "必填：" + "、".join(dict.fromkeys(("低保", "特困", "残疾", "独居老人", "留守儿童",
                                                            "困境儿童", "困境家庭"))) + "；多个用“、”分隔",
           "Required: 低保, 特困, 残疾, 独居老人, 留守儿童, 困境儿童 or 困境家庭; several separated by 、",
           "低保、独居老人"),
    Column(VALID_FROM, True, "必填：纳入名单的日期，如 2024-03-01，不能晚于今天",
           "Required: the day the person entered the list, e.g. 2024-03-01, not after today", "2024-03-01"),
    Column(NOTE, False, "可不填；不导入系统（仅供核对）", "Optional; not imported (for checking only)", ""),
)
HEADERS = tuple(c.header for c in COLUMNS)
_REQUIRED = tuple(c.header for c in COLUMNS if c.required)
_SEPARATORS = re.compile(r"[、,，;；/／\s]+")
_ID = re.compile(r"\d{17}[\dX]")
_COMMUNITY_CODE = re.compile(r"\d{12}")
_PHONE = re.compile(r"\+?\d[\d-]{5,18}\d")


def shown(header: str, value: str) -> str:
    if not value:
        return ""
    if header == ID_NUMBER:
        return masked(value)
    if header == PHONE:
        return masked_phone(value)
    if header == NAME:
        return masked_name(value)
    if header == ADDRESS:
        return value[:2] + "***"
    return value[:40]


def check_roster(table: Sequence[Sequence[str]], today: date,
                 communities: Mapping[str, str] | None) -> Checked:
    """Every row checked. `communities` maps each community of the station's street, by `community_key` of its
    name and by its 12-digit code, to the name recipients are registered with; None checks only that one is
    given (the station's street is not known)."""
    checked = Checked(row_count=0)
    seen: dict[str, int] = {}
    covered: dict[RecipientCategory, None] = {}
    count = 0
    for row in rows_of(table, HEADERS, _REQUIRED, shown):
        count += 1
        found = _row(row, today, communities, seen)
        checked.problems.extend(row.problems)
        if found is not None and not row.problems:
            checked.rows.append(found)
            covered.update(dict.fromkeys(RecipientCategory(c["category"]) for c in found["categories"]))
    return Checked(row_count=count, rows=checked.rows, problems=checked.problems, categories=tuple(covered))


def person_fields(row: Row, today: date, seen: dict[str, int]) -> tuple[Gender | None, str | None, date | None, str]:
    """What a row of a person has whatever the list: gender, ID number (with the birth date in it), the birth year
    agreeing with it, a phone; each problem noted on the row. (None for a value that is missing or wrong.)"""
    values, wrong = row.values, row.wrong
    gender = GENDERS.get(values.get(GENDER, "").lower()) if values.get(GENDER) else None
    if values.get(GENDER) and gender is None:
        wrong(GENDER, "unknown_gender", "应为“男”或“女”", "must be 男 (male) or 女 (female)")
    id_number, born = _id_number(values.get(ID_NUMBER, "").upper().replace(" ", ""), today, seen, row.number, wrong)
    birth_year = values.get(BIRTH_YEAR, "")
    if birth_year:
        if not birth_year.isdigit() or not 1900 <= int(birth_year) <= today.year:
            wrong(BIRTH_YEAR, "bad_birth_year", f"应为 1900 到 {today.year} 之间的年份",
                  f"must be a year from 1900 to {today.year}")
        elif born is not None and int(birth_year) != born.year:
            wrong(BIRTH_YEAR, "birth_year_mismatch", f"与身份证号码中的出生年份 {born.year} 不符",
                  f"differs from the birth year {born.year} in the ID number")
    phone = values.get(PHONE, "")
    if phone and not _PHONE.fullmatch(phone):
        wrong(PHONE, "bad_phone", "不是有效的电话号码", "is not a valid phone number")
    return gender, id_number, born, phone


def _row(row: Row, today: date, communities: Mapping[str, str] | None,
         seen: dict[str, int]) -> dict[str, Any] | None:
    values, wrong, number = row.values, row.wrong, row.number
    gender, id_number, born, phone = person_fields(row, today, seen)
    community = _community(values.get(COMMUNITY, ""), communities, wrong)
    categories = _categories(values.get(CATEGORY, ""), wrong)
    valid_from = row.past_day(VALID_FROM, today, born)
    if None in (gender, id_number, born, community, valid_from) or not categories or not values.get(NAME):
        return None
    assert born is not None and valid_from is not None
    return {"row": number, "name": values[NAME], "gender": str(gender), "id_number": id_number,
            "birth_date": born.isoformat(), "phone": phone or None, "community": community,
            "address": values.get(ADDRESS) or None,
            "categories": [{"category": str(c), "valid_from": valid_from.isoformat()} for c in categories]}


def _id_number(number: str, today: date, seen: dict[str, int], row: int,
               wrong: Any) -> tuple[str | None, date | None]:
    if not number:
        return None, None
    if not _ID.fullmatch(number):
        wrong(ID_NUMBER, "bad_id_number", "应为 17 位数字加 1 位校验码（数字或 X）",
              "must be 17 digits and a check digit or X")
        return None, None
    born = parse_date(f"{number[6:10]}-{number[10:12]}-{number[12:14]}")
    if born is None or born > today or born.year < 1900:
        wrong(ID_NUMBER, "bad_id_number", "其中的出生日期不存在", "the birth date in it does not exist")
        return None, None
    if check_character(number[:17]) != number[17]:
        wrong(ID_NUMBER, "bad_id_check_digit", "校验码不符", "the check digit does not match")
        return None, None
    if number in seen:
        wrong(ID_NUMBER, "duplicate_in_file", f"与第 {seen[number]} 行重复", f"repeats row {seen[number]}")
        return None, born
    seen[number] = row
    return number, born


def _community(value: str, communities: Mapping[str, str] | None, wrong: Any) -> str | None:
    if not value:
        return None
    if communities is None:
        return value
    found = communities.get(value if _COMMUNITY_CODE.fullmatch(value) else community_key(value))
    if found is None:
        wrong(COMMUNITY, "unknown_community", "不是本社工站所在街道的社区",
              "is not a community of the station's street")
    return found


def _categories(value: str, wrong: Any) -> list[RecipientCategory]:
    names = [n for n in _SEPARATORS.split(value) if n]
    unknown = [n for n in names if n not in CATEGORY_NAMES]
    if unknown:
        wrong(CATEGORY, "unknown_category", f"未知类别：{'、'.join(unknown)}（可用：低保、特困、残疾、独居老人、"
              "留守儿童、困境儿童、困境家庭）",
              f"unknown category {', '.join(unknown)} (known: 低保, 特困, 残疾, 独居老人, 留守儿童, 困境儿童,"
              " 困境家庭)")
        return []
    return list(dict.fromkeys(CATEGORY_NAMES[n] for n in names))
