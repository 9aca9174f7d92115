"""Checks every service's deciders share, each raising the error that names its field (pure: no I/O)."""

from __future__ import annotations

from collections.abc import Iterable
from datetime import date

from shared.contracts import Actor
from shared.contracts.errors import Forbidden, InvalidInput, Message


class NotYourStation(Forbidden):
    def __init__(self, station_id: str, field: str = "stationId") -> None:
        super().__init__(Message(zh=f"您无权处理社工站 {station_id} 的记录",
                                 en=f"You may not act for station {station_id}"), field=field)


class DateInFuture(InvalidInput):
    def __init__(self, field: str, value: date) -> None:
        super().__init__(Message(zh=f"{field} 不能是将来的日期（{value}）",
                                 en=f"{field} cannot be in the future ({value})"), field=field)


class BlankField(InvalidInput):
    def __init__(self, field: str) -> None:
        super().__init__(Message(zh=f"{field} 不能为空", en=f"{field} must not be blank"), field=field)


class OutOfRange(InvalidInput):
    def __init__(self, field: str, low: float, high: float) -> None:
        super().__init__(Message(zh=f"{field} 应在 {low} 到 {high} 之间",
                                 en=f"{field} must be between {low} and {high}"), field=field)


def require_station(actor: Actor, station_id: str, field: str = "stationId") -> None:
    if not actor.may_act_for(station_id):
        raise NotYourStation(station_id, field=field)


def unseen(actor: Actor, station_id: str) -> bool:
    """True when a record's station is outside the caller's. Such a record is refused as not found, in the same
    words as an id that does not exist (as queries answer it as absent): a refusal must tell neither that the
    record exists nor which station holds it. A station the caller names themselves is `NotYourStation`."""
    return not actor.may_act_for(station_id)


def require_not_future(field: str, value: date, today: date) -> None:
    if value > today:
        raise DateInFuture(field, value)


def require_text(field: str, value: str) -> str:
    if not value.strip():
        raise BlankField(field)
    return value.strip()


def words(values: Iterable[str]) -> tuple[str, ...]:
    """The values stripped, blanks dropped, each once, in their order: names, skills, ids from a form."""
    return tuple(dict.fromkeys(value.strip() for value in values if value.strip()))


def require_items(field: str, values: Iterable[str]) -> tuple[str, ...]:
    """`words` of the values, of which there must be at least one."""
    found = words(values)
    if not found:
        raise BlankField(field)
    return found


def require_range(field: str, value: float, low: float, high: float) -> None:
    if not low <= value <= high:
        raise OutOfRange(field, low, high)


class DateBeforeFact(InvalidInput):
    """A business date before a fact it depends on (a team joined before it was formed, a plan approved before
    it was drafted): the field, its date, the fact and the fact's date."""

    def __init__(self, field: str, value: date, what_zh: str, what_en: str, earlier: date) -> None:
        super().__init__(Message(zh=f"{field}（{value}）早于{what_zh}（{earlier}）",
                                 en=f"{field} ({value}) is before {what_en} ({earlier})"), field=field)


Fact = tuple[date | None, str, str]
"""(its date, what it is in Chinese, in English): a fact a business date may not precede; None where the
fact's date is unknown (an event recorded before it carried one) and so not checked."""


def happened_on(field: str, given: date | None, today: date, *facts: Fact) -> date:
    """The day a thing happened, as the user gave it (补录: entered days later) or else today in China time:
    never in the future, never before any fact it depends on."""
    day = today if given is None else given
    require_not_future(field, day, today)
    for earlier, what_zh, what_en in facts:
        if earlier is not None and day < earlier:
            raise DateBeforeFact(field, day, what_zh, what_en, earlier)
    return day


def age(on: date, birth_year: int, birth_date: date | None) -> int:
    """Age in whole years on a day; with the year alone, the youngest the person can be (so no child passes as
    older). Recipients' and volunteers' rules on children both count with it."""
    if birth_date is None:
        return on.year - birth_year - 1
    return on.year - birth_date.year - ((on.month, on.day) < (birth_date.month, birth_date.day))
