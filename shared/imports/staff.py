"""The staff list format (人员名单): who works at the station, each row checked before anything is written.

A row names a person by their sign-in subject (工号), the one their token carries, with their name, post and the
day they joined; they join the station the import is for (a project director or external supervisor who serves
several stations is added through `joinStaff`).
"""

from __future__ import annotations

import re
from collections.abc import Mapping, Sequence
from datetime import date
from typing import Any

from shared.contracts.activities import StaffRole
from shared.imports.rows import Checked, Column, RowProblem, rows_of

STAFF_ID, NAME, ROLE, JOINED_ON = "工号", "姓名", "岗位", "入职日期"
ROLE_NAMES: Mapping[str, StaffRole] = {
    **dict.fromkeys(("社工", "站点社工", "社会工作者"), StaffRole.SOCIAL_WORKER),
    **dict.fromkeys(("站长", "社工站站长"), StaffRole.STATION_HEAD),
    **dict.fromkeys(("内部督导", "督导"), StaffRole.INTERNAL_SUPERVISOR),
}
"""The posts a station's list names (a project director or external supervisor serves several stations)."""
COLUMNS = (
    Column(STAFF_ID, True, "必填：登录账号（与令牌中的用户一致），同一文件中不得重复",
           "Required: the sign-in subject (as their token names them), once per file", "sw-hsp-7"),
    Column(NAME, True, "必填", "Required", "王社工"),
    Column(ROLE, True, "必填：社工、站长 或 内部督导", "Required: 社工, 站长 or 内部督导", "社工"),
    Column(JOINED_ON, True, "必填：入职日期，如 2024-03-01，不能晚于今天",
           "Required: the day they joined, e.g. 2024-03-01, not after today", "2024-03-01"),
)
HEADERS = tuple(c.header for c in COLUMNS)
_SUBJECT = re.compile(r"[!-~]{1,50}")


def check_staff(table: Sequence[Sequence[str]], today: date) -> Checked:
    """Every row checked; the rows without problems as `join_staff`'s fields (but the station)."""
    rows: list[dict[str, Any]] = []
    problems: list[RowProblem] = []
    seen: dict[str, int] = {}
    count = 0
    for row in rows_of(table, HEADERS, HEADERS):
        values, wrong, number, found = row.values, row.wrong, row.number, row.problems
        count += 1
        subject, role, joined = values[STAFF_ID], ROLE_NAMES.get(values[ROLE]), row.past_day(JOINED_ON, today)
        if subject and not _SUBJECT.fullmatch(subject):
            wrong(STAFF_ID, "bad_staff_id", "应为 1 到 50 个英文字母、数字或符号", "must be 1 to 50 ASCII characters")
        elif subject in seen:
            wrong(STAFF_ID, "duplicate_in_file", f"与第 {seen[subject]} 行重复", f"repeats row {seen[subject]}")
        elif subject:
            seen[subject] = number
        if values[ROLE] and role is None:
            wrong(ROLE, "unknown_role", "应为 社工、站长 或 内部督导", "must be 社工, 站长 or 内部督导")
        problems.extend(found)
        if not found and role is not None and joined is not None:
            rows.append({"row": number, "staff_id": subject, "name": values[NAME], "role": str(role),
                         "joined_on": joined.isoformat()})
    return Checked(row_count=count, rows=rows, problems=problems)
