"""The refusals of places and stations."""

from __future__ import annotations

from shared.contracts.errors import DomainError, Forbidden, InvalidInput, Message, NotFound


class StreetNotFound(NotFound):
    def __init__(self, street_id: str) -> None:
        super().__init__(Message(zh=f"找不到街道 {street_id}", en=f"No street {street_id}"), field="streetId")


class AlreadyExists(DomainError):
    code = "already_exists"

    def __init__(self, what_zh: str, what_en: str, field: str) -> None:
        super().__init__(Message(zh=f"{what_zh}已存在", en=f"{what_en} already exists"), field=field)


class OnlyTheBureau(Forbidden):
    def __init__(self) -> None:
        super().__init__(Message(zh="只有区民政局可以管理街道与社工站",
                                 en="Only the district bureau manages streets and stations"))


class BadStationCode(InvalidInput):
    def __init__(self, code: str) -> None:
        super().__init__(Message(zh=f"社工站代码 {code} 应为 2 到 6 个大写字母",
                                 en=f"Station code {code} must be 2 to 6 capital letters"), field="code")
