"""The period a dashboard is asked for: a month, a year, or any range of days from one day to another.

One of the three, never two: `month` (YYYY-MM), `year`, or `from` with `to` (both days included; `to` defaults to
today in China). A range starts no earlier than 2015 (before any station), has begun (its first day is not after
today), ends on or after its first day and spans at most ten years: "6000余人次 since 2019" is one question,
`from: "2019-01-01"`. Its end may be after today, as a month's may: the days to come hold nothing yet, since no
work is recorded in the future. Every refusal names the argument, in Chinese and English.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, timedelta
from typing import Any

from services.reporting.queries import caseload
from services.reporting.queries.station_month import month_bounds
from shared.china import china_today
from shared.contracts.errors import InvalidInput, Message

EARLIEST = date(2015, 1, 1)
MAX_YEARS = 10


@dataclass(frozen=True)
class Period:
    """[start, end): the first day asked and the day after the last."""

    start: date
    end: date

    @property
    def last(self) -> date:
        return self.end - timedelta(days=1)

    def answer(self) -> dict[str, str]:
        return {"from": self.start.isoformat(), "to": self.last.isoformat(), "until": self.end.isoformat()}


def _refused(field: str, zh: str, en: str) -> InvalidInput:
    return InvalidInput(Message(zh=zh, en=en), field=field)


def year_of(value: Any) -> Period:
    try:
        year = int(value)
    except (TypeError, ValueError) as error:
        raise _refused("year", f"年份 {value} 无效", f"Year {value} is not valid") from error
    if not EARLIEST.year <= year <= 2100:
        raise _refused("year", f"年份 {value} 无效", f"Year {value} is not valid")
    return Period(date(year, 1, 1), date(year + 1, 1, 1))


def _day(body: dict[str, Any], name: str) -> date:
    try:
        return date.fromisoformat(str(body[name]))
    except ValueError as error:
        raise _refused(name, f"{name} 日期 {body[name]} 应写作 YYYY-MM-DD",
                       f"{name} {body[name]} must be a day written YYYY-MM-DD") from error


def _years_after(day: date, years: int) -> date:
    try:
        return day.replace(year=day.year + years)
    except ValueError:  # 29 February
        return day.replace(year=day.year + years, day=28)


def range_of(body: dict[str, Any], today: date) -> Period:
    """`from` to `to` (default today), both included, checked as the module says."""
    if not body.get("from"):
        raise _refused("from", "给了结束日期 to，也须给开始日期 from", "A period with `to` needs `from` too")
    start = _day(body, "from")
    last = _day(body, "to") if body.get("to") else today
    if start < EARLIEST:
        raise _refused("from", f"开始日期 {start} 早于 {EARLIEST}，那时还没有社工站",
                       f"from {start} is before {EARLIEST}, when there were no stations yet")
    if start > today:
        raise _refused("from", f"开始日期 {start} 在今天（{today}）之后，这段时间还没有开始",
                       f"from {start} is after today ({today}): the period has not begun")
    if last < start:
        raise _refused("to", f"结束日期 {last} 早于开始日期 {start}", f"to {last} is before from {start}")
    if last >= _years_after(start, MAX_YEARS):
        raise _refused("to", f"时间段最长 {MAX_YEARS} 年：{start} 至 {last} 超出了",
                       f"A period spans at most {MAX_YEARS} years: {start} to {last} is longer")
    return Period(start, last + timedelta(days=1))


def asked_period(body: dict[str, Any], default: str = "month", today: date | None = None) -> Period:
    """The month, year or range the body asks for, or by `default` ("month" or "year") the one holding today
    (or the body's `as_of`)."""
    today = today or china_today()
    asked = [name for name in ("month", "year", "from", "to") if body.get(name)]
    kinds = {"to": "from"}.get
    given = list(dict.fromkeys(kinds(name, name) for name in asked))
    if given[:2] == ["month", "year"] and "from" not in given:  # as before ranges: a month of the year named
        if not str(body["month"]).startswith(f"{body['year']}-"):
            raise _refused("year", f"月份 {body['month']} 不在年份 {body['year']} 之内",
                           f"Month {body['month']} is not in year {body['year']}")
        given = ["month"]
    if len(given) > 1:
        raise _refused(given[1], f"只能给月份 month、年份 year 或 from 至 to 之一，不能同时给 {'、'.join(asked)}",
                       f"Give a month, a year, or from and to: one of them, not {', '.join(asked)}")
    if given == ["month"]:
        return Period(*month_bounds(str(body["month"])))
    if given == ["year"]:
        return year_of(body["year"])
    if given == ["from"]:
        return range_of(body, today)
    as_of = caseload.as_of(body) if body.get("as_of") else today
    if default == "year":
        return year_of(as_of.year)
    return Period(*month_bounds(as_of.strftime("%Y-%m")))
