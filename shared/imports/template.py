"""The roster template: the headers in row 1, an example row, and a second sheet with each column's rules."""

from __future__ import annotations

import io

from shared.imports.roster import COLUMNS

TEXT = "@"
"""ID numbers and phones as text: Excel turns an 18-digit number into 4.30103E+17 and loses its last digits."""


def roster_template() -> bytes:
    from openpyxl import Workbook
    from openpyxl.styles import Font
    from openpyxl.utils import get_column_letter

    book = Workbook()
    sheet = book.active
    assert sheet is not None
    sheet.title = "名单"
    sheet.append([c.header for c in COLUMNS])
    sheet.append([c.example for c in COLUMNS])
    for index, column in enumerate(COLUMNS, start=1):
        letter = get_column_letter(index)
        sheet[f"{letter}1"].font = Font(bold=True, color="C00000" if column.required else "000000")
        sheet.column_dimensions[letter].width = 22 if column.header in ("身份证号码", "住址") else 14
        for row in range(2, 2002):
            sheet[f"{letter}{row}"].number_format = TEXT
    sheet.freeze_panes = "A2"
    rules = book.create_sheet("填写说明")
    rules.append(["列", "必填", "规则", "Rule"])
    for cell in rules[1]:
        cell.font = Font(bold=True)
    for column in COLUMNS:
        rules.append([column.header, "是" if column.required else "否", column.rule_zh, column.rule_en])
    rules.append([])
    rules.append(["说明", "", "第 1 行为表头（红色为必填列），请勿改动；示例行导入前请删除或替换。"
                  "同一身份证号码只写一行，多个类别写在“类别”一列中。导入以身份证号码匹配本站已登记的服务对象：新的名单中不再出现的类别将"
                  "被结束。", "Row 1 holds the headers (red: required); keep them. Replace the example row. One row"
                  " per ID number, several categories in 类别. Rows are matched to the station's recipients by ID"
                  " number; a category a newer roster no longer lists for someone is ended."])
    for letter, width in zip("ABCD", (12, 6, 60, 60), strict=True):
        rules.column_dimensions[letter].width = width
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()
