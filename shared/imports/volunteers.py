"""The volunteer list format: the export of the national volunteer system (全国志愿服务信息系统) as a station
keeps it, each row checked before anything is written.

A row is one volunteer by ID number. Their ID number and phone are sensitive (PIPL art. 28) and the activities
service records them only with consent on record: the national system took that consent when they registered
there (its registration asks for it), so a row's consent is recorded as given on its 注册日期 with that basis
(`BASIS`), as a roster records the statutory duty it is handed over for. A child under 14 needs the guardian's
consent, which no export shows: such a row is refused, to be registered by hand with the guardian.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from datetime import date
from typing import Any

from shared.contracts.activities import AgeGroup
from shared.contracts.consent import CHILD_UNDER
from shared.imports.roster import person_fields, shown
from shared.imports.rows import Checked, Column, Row, RowProblem, rows_of

NAME, GENDER, ID_NUMBER, BIRTH_YEAR, PHONE, NUMBER, REGISTERED_ON, INTENT = (
    "姓名", "性别", "身份证号码", "出生年份", "联系电话", "志愿者编号", "注册日期", "服务意向")
BASIS = ("全国志愿服务信息系统注册时本人同意（自该系统导出的志愿者名单） / Consented by the volunteer on registering"
         " in the national volunteer system (a list exported from it)")
"""The purpose a row's consent is recorded with: where and how the volunteer gave it."""
COLUMNS = (
    Column(NAME, True, "必填，与身份证一致", "Required, as on the ID card", "李志愿"),
    Column(GENDER, True, "必填：男 或 女", "Required: 男 (male) or 女 (female)", "女"),
    Column(ID_NUMBER, True, "必填，18 位居民身份证号码（末位可为 X），校验码须正确；同一文件中不得重复；"
           "未满 14 周岁的志愿者请逐个登记（须监护人同意）",
           "Required: the 18-character citizen ID number with a right check digit; once per file; a volunteer"
           " under 14 is registered by hand (with the guardian's consent)", "430103199001010020"),
    Column(BIRTH_YEAR, False, "可不填（由身份证号码得出）；填写时须与身份证号码一致",
           "Optional (the ID number gives it); when given it must agree with the ID number", "1990"),
    Column(PHONE, False, "可不填；手机或固定电话", "Optional: a mobile or landline number", "13900139000"),
    Column(NUMBER, False, "可不填；全国志愿服务信息系统的编号，不导入（仅供核对）",
           "Optional: the national system's number; not imported (for checking only)", ""),
    Column(REGISTERED_ON, True, "必填：在全国志愿服务信息系统注册的日期（即本人同意的日期），如 2024-03-01，"
           "不能晚于今天", "Required: the day they registered in the national system (when they consented),"
           " e.g. 2024-03-01, not after today", "2024-03-01"),
    Column(INTENT, False, "可不填：服务意向，多个用“、”分隔", "Optional: the services they offer, separated by 、",
           "助老、社区治理"),
)
HEADERS = tuple(c.header for c in COLUMNS)
_REQUIRED = tuple(c.header for c in COLUMNS if c.required)
_SEPARATORS = re.compile(r"[、,，;；/／\s]+")


def age_group(born: date, today: date) -> AgeGroup:
    """The register's age group by age alone (a university student is not told by an export)."""
    age = today.year - born.year - ((today.month, today.day) < (born.month, born.day))
    return AgeGroup.YOUTH if age < 18 else AgeGroup.ELDERLY if age >= 60 else AgeGroup.ADULT


def check_volunteers(table: Sequence[Sequence[str]], today: date) -> Checked:
    """Every row checked; the rows without problems as `register_volunteer`'s fields (but the station)."""
    rows: list[dict[str, Any]] = []
    problems: list[RowProblem] = []
    seen: dict[str, int] = {}
    count = 0
    for row in rows_of(table, HEADERS, _REQUIRED, shown):
        count += 1
        found = _row(row, today, seen)
        problems.extend(row.problems)
        if found is not None and not row.problems:
            rows.append(found)
    return Checked(row_count=count, rows=rows, problems=problems)


def _row(row: Row, today: date, seen: dict[str, int]) -> dict[str, Any] | None:
    values, wrong, number = row.values, row.wrong, row.number
    gender, id_number, born, phone = person_fields(row, today, seen)
    registered_on = row.past_day(REGISTERED_ON, today, born)
    if id_number is not None and born is not None and age_group(born, today) is AgeGroup.YOUTH:
        age = today.year - born.year - ((today.month, today.day) < (born.month, born.day))
        if age < CHILD_UNDER:
            wrong(ID_NUMBER, "child_volunteer", f"未满 {CHILD_UNDER} 周岁：须监护人同意，请逐个登记",
                  f"is under {CHILD_UNDER}: the guardian's consent is needed, register them by hand")
            return None
    if None in (gender, id_number, born, registered_on) or not values.get(NAME):
        return None
    assert born is not None and registered_on is not None and gender is not None
    return {"row": number, "name": values[NAME], "gender": gender.value, "id_number": id_number,
            "birth_date": born.isoformat(), "birth_year": born.year, "contact": phone,
            "age_group": age_group(born, today).value, "consent_given_on": registered_on.isoformat(),
            "service_categories": [w for w in _SEPARATORS.split(values.get(INTENT, "")) if w]}
