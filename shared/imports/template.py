"""The import templates: the headers in row 1, an example row, and a second sheet with each column's rules."""

from __future__ import annotations

import io
from collections.abc import Sequence

from shared.imports import places, roster, staff, volunteers
from shared.imports.rows import Column

TEXT = "@"
"""ID numbers and phones as text: Excel turns an 18-digit number into 4.30103E+17 and loses its last digits."""
WIDE = ("身份证号码", "住址", "统计用区划代码", "社区名称")


def roster_template() -> bytes:
    return template(roster.COLUMNS, "名单", "第 1 行为表头（红色为必填列），请勿改动；示例行导入前请删除或替换。"
                    "同一身份证号码只写一行，多个类别写在“类别”一列中。导入以身份证号码匹配本站已登记的服务对象："
                    "新的名单中不再出现的类别将被结束。",
                    "Row 1 holds the headers (red: required); keep them. Replace the example row. One row per ID"
                    " number, several categories in 类别. Rows are matched to the station's recipients by ID number;"
                    " a category a newer roster no longer lists for someone is ended.")


def staff_template() -> bytes:
    return template(staff.COLUMNS, "人员", "第 1 行为表头，请勿改动；示例行导入前请删除或替换。"
                    "已在册的工号不会重复登记。",
                    "Row 1 holds the headers; keep them. Replace the example row. A staff id already on the list"
                    " is left as it is.")


def volunteer_template() -> bytes:
    return template(volunteers.COLUMNS, "志愿者", "第 1 行为表头（红色为必填列），请勿改动；示例行导入前请删除或替换。"
                    "可直接使用全国志愿服务信息系统导出的名单（表头一致即可）。身份证号码与联系电话以志愿者在该系统"
                    "注册时的同意登记；已在册的身份证号码不会重复登记。",
                    "Row 1 holds the headers (red: required); keep them. Replace the example row. The national"
                    " volunteer system's export serves as it is (with these headers). ID numbers and phones are"
                    " recorded on the consent the volunteer gave registering there; an ID number already on record"
                    " is left as it is.")


def places_template() -> bytes:
    return template(places.COLUMNS, "社区与小区", "第 1 行为表头（红色为必填列），请勿改动；示例行导入前请删除或替换。"
                    "每个小区一行（同一社区的各行名称、代码、类型一致），没有小区的社区写一行、小区留空。"
                    "已有的社区（代码或名称相同）与小区不会重复添加。",
                    "Row 1 holds the headers (red: required); keep them. Replace the example row. One row per"
                    " compound (a community's rows agree on its name, code and kind); a community without compounds"
                    " is one row with 小区 empty. A community the street has (same code or name) and a compound it"
                    " has are left as they are.")


TEMPLATES = {"roster": ("民政名单导入模板.xlsx", roster_template), "staff": ("人员名单导入模板.xlsx", staff_template),
             "volunteer": ("志愿者名单导入模板.xlsx", volunteer_template),
             "places": ("社区与小区导入模板.xlsx", places_template)}
"""Each kind's template: its file name and its maker."""


def template(columns: Sequence[Column], title: str, note_zh: str, note_en: str) -> bytes:
    """Headers in row 1 (required ones red), an example row, and a sheet of each column's rules."""
    from openpyxl import Workbook
    from openpyxl.styles import Font
    from openpyxl.utils import get_column_letter

    book = Workbook()
    sheet = book.active
    assert sheet is not None
    sheet.title = title
    sheet.append([c.header for c in columns])
    sheet.append([c.example for c in columns])
    for index, column in enumerate(columns, start=1):
        letter = get_column_letter(index)
        sheet[f"{letter}1"].font = Font(bold=True, color="C00000" if column.required else "000000")
        sheet.column_dimensions[letter].width = 22 if column.header in WIDE else 14
        for row in range(2, 2002):
            sheet[f"{letter}{row}"].number_format = TEXT
    sheet.freeze_panes = "A2"
    rules = book.create_sheet("填写说明")
    rules.append(["列", "必填", "规则", "Rule"])
    for cell in rules[1]:
        cell.font = Font(bold=True)
    for column in columns:
        rules.append([column.header, "是" if column.required else "否", column.rule_zh, column.rule_en])
    rules.append([])
    rules.append(["说明", "", note_zh, note_en])
    for letter, width in zip("ABCD", (12, 6, 60, 60), strict=True):
        rules.column_dimensions[letter].width = width
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()
