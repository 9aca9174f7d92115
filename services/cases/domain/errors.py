"""The refusals of case work, each a fact the user can act on.

    DomainError
     ├── NotFound: RecipientNotFound, CaseNotFound
     ├── Forbidden: NotYourStation
     ├── InvalidInput: DateInFuture, DateBeforeOpening, BlankField, OutOfRange
     └── CaseAlreadyClosed, RecipientAlreadyRegistered, CaseAlreadyOpened
"""

from __future__ import annotations

from datetime import date

from shared.contracts.errors import DomainError, Forbidden, InvalidInput, Message, NotFound


class RecipientNotFound(NotFound):
    def __init__(self, recipient_id: str) -> None:
        super().__init__(Message(zh=f"找不到服务对象 {recipient_id}", en=f"No recipient {recipient_id}"),
                         field="recipientId")


class CaseNotFound(NotFound):
    def __init__(self, case_id: str) -> None:
        super().__init__(Message(zh=f"找不到个案 {case_id}", en=f"No case {case_id}"), field="caseId")


class NotYourStation(Forbidden):
    def __init__(self, station_id: str, field: str = "stationId") -> None:
        super().__init__(Message(zh=f"您无权处理社工站 {station_id} 的记录",
                                 en=f"You may not act for station {station_id}"), field=field)


class CaseAlreadyClosed(DomainError):
    code = "case_already_closed"

    def __init__(self, case_id: str) -> None:
        super().__init__(Message(zh=f"个案 {case_id} 已结案，不能再记录或结案",
                                 en=f"Case {case_id} is already closed"), field="caseId")


class CaseAlreadyOpened(DomainError):
    code = "case_already_opened"

    def __init__(self, case_id: str) -> None:
        super().__init__(Message(zh=f"个案 {case_id} 已存在", en=f"Case {case_id} already exists"),
                         field="caseId")


class RecipientAlreadyRegistered(DomainError):
    code = "recipient_already_registered"

    def __init__(self, recipient_id: str) -> None:
        super().__init__(Message(zh=f"服务对象 {recipient_id} 已登记",
                                 en=f"Recipient {recipient_id} is already registered"), field="recipientId")


class DateInFuture(InvalidInput):
    def __init__(self, field: str, value: date) -> None:
        super().__init__(Message(zh=f"{field} 不能是将来的日期（{value}）",
                                 en=f"{field} cannot be in the future ({value})"), field=field)


class DateBeforeOpening(InvalidInput):
    def __init__(self, field: str, value: date, opened_on: date) -> None:
        super().__init__(Message(zh=f"{field}（{value}）早于接案日期 {opened_on}",
                                 en=f"{field} ({value}) is before the case was opened on {opened_on}"), field=field)


class BlankField(InvalidInput):
    def __init__(self, field: str) -> None:
        super().__init__(Message(zh=f"{field} 不能为空", en=f"{field} must not be blank"), field=field)


class OutOfRange(InvalidInput):
    def __init__(self, field: str, low: int, high: int) -> None:
        super().__init__(Message(zh=f"{field} 应在 {low} 到 {high} 之间",
                                 en=f"{field} must be between {low} and {high}"), field=field)
