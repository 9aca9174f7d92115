"""Files the bureau can file: a station's monthly report as XLSX (Chinese headers, widths, number formats, a
totals row) or CSV (UTF-8 with a BOM, so Excel reads the Chinese), behind a short-lived download link.

The figures are the very answer of the `stationDashboard` query, so a file never disagrees with GraphQL. A file
is made when asked for and kept in this gateway process for `TTL_SECONDS` under a random, unguessable name:
with several gateway copies, the download must reach the copy that made it (sticky sessions), or be asked again.
"""

from __future__ import annotations

import csv
import io
import secrets
import time
from dataclasses import dataclass, field
from typing import Any

from openpyxl import Workbook
from openpyxl.styles import Alignment, Font

TTL_SECONDS = 600

FIGURE_LABELS: dict[str, str] = {
    "cases_opened": "新接个案数",
    "cases_closed": "结案数",
    "case_sessions": "个案服务次数",
    "case_person_times": "个案服务人次",
    "groups_planned": "新筹备小组数",
    "groups_meeting": "开展活动的小组数",
    "group_sessions": "小组活动节数",
    "group_person_times": "小组服务人次",
    "activities": "社区活动场次",
    "activity_person_times": "社区活动直接参与人次",
    "person_times_direct": "直接服务人次合计",
    "person_times_indirect": "间接受益人次",
    "people_served": "服务人数（去重）",
    "projects": "在执行项目数",
    "surveys": "调研次数",
    "questionnaires_distributed": "发放问卷数",
    "questionnaires_returned": "回收问卷数",
    "publicity": "宣传报道数",
    "volunteers_registered": "新登记志愿者数",
    "volunteer_hours": "志愿服务时长（小时）",
    "trainings": "志愿者培训次数",
    "organisations_filed": "社区社会组织备案数",
    "supervisions": "专业督导次数",
    "project_meetings": "项目推进会次数",
    "issues_raised": "小区议题提出数",
    "issues_resolved": "小区议题解决数",
}
"""Every figure of a month, in the order and the words the report uses."""

PERSON_TIME_PARTS = ("case_person_times", "group_person_times", "activity_person_times")
"""The rows the totals row adds up: the kinds of direct person-times (人次) whose sum is 直接服务人次合计."""


@dataclass
class Export:
    filename: str
    media_type: str
    content: bytes
    expires: float


@dataclass
class ExportStore:
    """Files made on request, kept for a few minutes under an unguessable name."""

    files: dict[str, Export] = field(default_factory=dict)

    def keep(self, filename: str, media_type: str, content: bytes) -> tuple[str, float]:
        now = time.time()
        self.files = {k: v for k, v in self.files.items() if v.expires > now}
        name = secrets.token_urlsafe(24)
        self.files[name] = Export(filename=filename, media_type=media_type, content=content, expires=now + TTL_SECONDS)
        return name, now + TTL_SECONDS

    def take(self, name: str) -> Export | None:
        found = self.files.get(name)
        return found if found is not None and found.expires > time.time() else None


def month_rows(dashboard: dict[str, Any]) -> list[tuple[str, float, float]]:
    """(label, this month, this year) for every figure."""
    month, year = dashboard["this_month"], dashboard["this_year"]
    return [(label, month[key], year[key]) for key, label in FIGURE_LABELS.items()]


def station_month_xlsx(station: str, dashboard: dict[str, Any]) -> bytes:
    book = Workbook()
    sheet = book.active
    sheet.title = f"{dashboard['month']} 月报"
    sheet.append([f"{station} {dashboard['month']} 月度工作报表"])
    sheet["A1"].font = Font(bold=True, size=14)
    sheet.append(["指标", "本月", "本年累计"])
    for cell in sheet[2]:
        cell.font = Font(bold=True)
        cell.alignment = Alignment(horizontal="center")
    for label, month, year in month_rows(dashboard):
        sheet.append([label, month, year])
        for cell in sheet[sheet.max_row][1:]:
            cell.number_format = "0.0" if label == FIGURE_LABELS["volunteer_hours"] else "#,##0"
    parts = [FIGURE_LABELS[k] for k in PERSON_TIME_PARTS]
    rows = [r for r in sheet.iter_rows(min_row=3, values_only=True) if r[0] in parts]
    sheet.append(["合计（个案、小组、社区活动直接人次）", sum(r[1] for r in rows), sum(r[2] for r in rows)])
    for cell in sheet[sheet.max_row]:
        cell.font = Font(bold=True)
    sheet.column_dimensions["A"].width = 36
    sheet.column_dimensions["B"].width = 12
    sheet.column_dimensions["C"].width = 12
    projects = book.create_sheet("项目进度")
    projects.append(["项目", "计划小组节数", "已开展小组节数", "社区活动", "直接人次", "间接人次"])
    for project in dashboard["projects"]:
        projects.append([project["name"], project["planned_sessions"], project["group_sessions"],
                         project["activities"], project["person_times_direct"], project["person_times_indirect"]])
    projects.column_dimensions["A"].width = 24
    buffer = io.BytesIO()
    book.save(buffer)
    return buffer.getvalue()


def station_month_csv(station: str, dashboard: dict[str, Any]) -> bytes:
    text = io.StringIO()
    writer = csv.writer(text)
    writer.writerow(["指标", "本月", "本年累计"])
    for label, month, year in month_rows(dashboard):
        writer.writerow([label, month, year])
    return ("\ufeff" + text.getvalue()).encode("utf-8")


def district_month_xlsx(overview: dict[str, Any], title: str) -> bytes:
    """One row per station and a district row: the district's distinct people are counted across stations,
    not added up, so that cell is the district's own figure, not a sum."""
    book = Workbook()
    sheet = book.active
    sheet.title = "区级汇总"
    sheet.append([title])
    sheet["A1"].font = Font(bold=True, size=14)
    sheet.append(["社工站", "代码", *FIGURE_LABELS.values()])
    for cell in sheet[2]:
        cell.font = Font(bold=True)
        cell.alignment = Alignment(horizontal="center", wrap_text=True)
    for station in overview["stations"]:
        sheet.append([station["name"], station["code"], *(station[key] for key in FIGURE_LABELS)])
    sheet.append(["全区合计", "", *(overview["totals"][key] for key in FIGURE_LABELS)])
    for cell in sheet[sheet.max_row]:
        cell.font = Font(bold=True)
    sheet.column_dimensions["A"].width = 20
    buffer = io.BytesIO()
    book.save(buffer)
    return buffer.getvalue()


def district_month_csv(overview: dict[str, Any]) -> bytes:
    text = io.StringIO()
    writer = csv.writer(text)
    writer.writerow(["社工站", "代码", *FIGURE_LABELS.values()])
    for station in overview["stations"]:
        writer.writerow([station["name"], station["code"], *(station[key] for key in FIGURE_LABELS)])
    writer.writerow(["全区合计", "", *(overview["totals"][key] for key in FIGURE_LABELS)])
    return ("\ufeff" + text.getvalue()).encode("utf-8")
