"""The places format: a street's communities (社区) and villages (村) with their statistical division codes, and
their residential compounds (小区), one row per compound (or a community row without one), for the bureau.

Every row is checked before anything is written: the code by `shared.kernel.places` (its first 9 digits the
street's), the kind, and that the rows naming one community agree on its code and kind.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from shared.contracts.activities import CommunityKind
from shared.imports.rows import Checked, Column, RowProblem, rows_of
from shared.kernel.places import community_code_problem, community_key

NAME, CODE, KIND, COMPOUND = "社区名称", "统计用区划代码", "类型", "小区"
KINDS = {"社区": CommunityKind.COMMUNITY, "居委会": CommunityKind.COMMUNITY, "村": CommunityKind.VILLAGE,
         "村委会": CommunityKind.VILLAGE}
COLUMNS = (
    Column(NAME, True, "必填：社区或村的名称", "Required: the community's or village's name", "状元坡社区"),
    Column(CODE, True, "必填：12 位统计用区划代码，前 9 位为本街道的代码，最后 3 位不能为 000；同一社区各行一致",
           "Required: the 12-digit statistical division code, its first 9 digits the street's, the last 3 not 000;"
           " the same on every row of a community", "430103010001"),
    Column(KIND, True, "必填：社区 或 村", "Required: 社区 (community) or 村 (village)", "社区"),
    Column(COMPOUND, False, "可不填：小区名称，每个小区一行；不填则只登记社区",
           "Optional: a residential compound, one row each; empty for the community alone", "状元坡小区"),
)
HEADERS = tuple(c.header for c in COLUMNS)
_REQUIRED = tuple(c.header for c in COLUMNS if c.required)


def check_places(table: Sequence[Sequence[str]], street_code: str | None) -> Checked:
    """Every row checked against the street's division code (None: only the code's own form is checked); the
    rows without problems as {row, community, division_code, kind, compound}."""
    rows: list[dict[str, Any]] = []
    problems: list[RowProblem] = []
    by_name: dict[str, tuple[int, str, str]] = {}  # community_key -> (row, code, kind)
    by_code: dict[str, tuple[int, str]] = {}  # code -> (row, community_key)
    compounds: dict[tuple[str, str], int] = {}
    count = 0
    for row in rows_of(table, HEADERS, _REQUIRED):
        values, wrong, number, found = row.values, row.wrong, row.number, row.problems
        count += 1
        name, code, kind_text = values.get(NAME, ""), values.get(CODE, ""), values.get(KIND, "")
        kind = KINDS.get(kind_text)
        if kind_text and kind is None:
            wrong(KIND, "unknown_community_kind", "应为“社区”或“村”", "must be 社区 (community) or 村 (village)")
        problem = community_code_problem(code, street_code) if code else None
        if problem is not None:
            wrong(CODE, "bad_division_code", *problem)
        key = community_key(name)
        if key and code and problem is None:
            earlier = by_name.get(key)
            holder = by_code.get(code)
            if earlier is not None and earlier[1] != code:
                wrong(CODE, "conflicts_in_file", f"与第 {earlier[0]} 行同一社区的代码不同",
                      f"differs from the code of the same community at row {earlier[0]}")
            elif holder is not None and holder[1] != key:
                wrong(CODE, "duplicate_in_file", f"已是第 {holder[0]} 行另一社区的代码",
                      f"is the code of another community at row {holder[0]}")
            elif earlier is not None and kind is not None and earlier[2] != kind.value:
                wrong(KIND, "conflicts_in_file", f"与第 {earlier[0]} 行同一社区的类型不同",
                      f"differs from the kind of the same community at row {earlier[0]}")
        compound = community_key(values.get(COMPOUND, ""))
        if compound and key:
            if (key, compound) in compounds:
                first = compounds[(key, compound)]
                wrong(COMPOUND, "duplicate_in_file", f"与第 {first} 行重复", f"repeats row {first}")
            else:
                compounds[(key, compound)] = number
        problems.extend(found)
        if not found and kind is not None:
            by_name.setdefault(key, (number, code, kind.value))
            by_code.setdefault(code, (number, key))
            rows.append({"row": number, "community": name, "division_code": code, "kind": kind.value,
                         "compound": values.get(COMPOUND) or None})
    return Checked(row_count=count, rows=rows, problems=problems)
