"""Places as the civil-affairs systems name them: a community's name compared as people write it, and the
official codes (GB/T 2260 for a district, the 12-digit statistical division code 统计用区划代码 below it)."""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Iterable, Mapping, Sequence
from typing import Any

from shared.contracts.errors import InvalidInput, Message, NotFound

DISTRICT_CODE = re.compile(r"[1-9]\d{5}")
"""GB/T 2260: province (2 digits), city (2), county or district (2)."""
DIVISION_CODE = re.compile(r"\d{12}")
"""统计用区划代码: the district's 6 digits, the street or township's 3, the community or village's 3."""


def community_key(name: str) -> str:
    """A community's name as it is compared: full-width and half-width forms alike (NFKC), no whitespace, so
    "一力 社区" and "一力社区" are one community."""
    return "".join(unicodedata.normalize("NFKC", name).split())


def district_code_problem(code: str) -> tuple[str, str] | None:
    """What is wrong with a GB/T 2260 district code, in Chinese and English; None if nothing."""
    if not DISTRICT_CODE.fullmatch(code):
        return "应为 6 位数字（GB/T 2260），如 430103", "must be 6 digits (GB/T 2260), e.g. 430103"
    if code.endswith("00"):
        return "是省或市的代码，不是区县的代码", "is a province's or a city's code, not a district's"
    return None


def street_code_problem(code: str, district_code: str | None) -> tuple[str, str] | None:
    """What is wrong with a street's (or township's) 12-digit division code: its first 6 digits are its
    district's, the next 3 its own (not 000), and the last 3 are 000."""
    if not DIVISION_CODE.fullmatch(code):
        return "应为 12 位数字（统计用区划代码）", "must be 12 digits (a statistical division code)"
    if district_code is not None and code[:6] != district_code:
        return (f"前 6 位应为所属区县的代码 {district_code}",
                f"must begin with its district's code {district_code}")
    if code[6:9] == "000" or code[9:] != "000":
        return ("第 7 至 9 位为街道（乡镇）代码，不能为 000，最后 3 位应为 000",
                "must have the street's own 3 digits (not 000) at 7 to 9 and end in 000")
    return None


def community_code_problem(code: str, street_code: str | None) -> tuple[str, str] | None:
    """What is wrong with a community's (or village's) 12-digit division code: its first 9 digits are its
    street's, and its last 3 its own (not 000)."""
    if not DIVISION_CODE.fullmatch(code):
        return "应为 12 位数字（统计用区划代码）", "must be 12 digits (a statistical division code)"
    if street_code is not None and code[:9] != street_code[:9]:
        return (f"前 9 位应为所属街道的代码 {street_code[:9]}",
                f"must begin with its street's code {street_code[:9]}")
    if code[9:] == "000":
        return "最后 3 位为社区（村）代码，不能为 000", "must end in the community's own 3 digits, not 000"
    return None


class UnknownCommunity(NotFound):
    """A community named (by name or 12-digit code) that is not one of the street's."""

    code = "unknown_community"

    def __init__(self, text: str, field: str = "community") -> None:
        super().__init__(Message(zh=f"本街道没有社区（村）“{text}”，请使用已登记的名称或 12 位统计用区划代码",
                                 en=f"The street has no community or village '{text}': give a registered name "
                                    "or its 12-digit division code"), field=field)


def resolve_community(text: str, communities: Iterable[Mapping[str, Any]], field: str = "community") -> str:
    """The id of the street's community that `text` names: its 12-digit division code, or its name as
    `community_key` compares it ("一力 社区" is 一力社区). `communities` are the street's, each with
    `community_id`, `name` and `division_code`; none matching is an `UnknownCommunity` refusal, never a guess."""
    wanted = community_key(text)
    for community in communities:
        if wanted and (wanted == community.get("division_code") or wanted == community_key(community["name"])):
            return str(community["community_id"])
    raise UnknownCommunity(text.strip(), field)


class CommunitiesDisagree(InvalidInput):
    """A command gave both a community's id and its name (or code), and they name two communities."""

    code = "community_mismatch"

    def __init__(self, text: str, field: str = "community") -> None:
        super().__init__(Message(zh=f"“{text}”与 communityId 所指的不是同一个社区（村），请只填其中之一",
                                 en=f"'{text}' names another community than communityId: give one of the two"),
                         field=field)


def community_reference(text: str | None, community_id: str | None, communities: Sequence[Mapping[str, Any]],
                        field: str = "community", id_field: str = "communityId") -> tuple[str | None, str | None]:
    """The (id, name) a command naming a community records (issue 15: communities are references).

    `text` is a name as people write it or a 12-digit code, `community_id` an id; `communities` are the station's
    street's as the service knows them. At a street with communities the answer is one of them, with its
    registered name (so "一力 社区" is recorded as 一力社区); given both, they must name the same one. At a street
    the service knows no community of, the text is kept as given (stripped) with no id: not a guess, reporting
    lists it as unresolved; an id there cannot be checked, and is refused. (None, None) when neither is given.
    """
    name = (text or "").strip()
    if community_id is None:
        if not name or not communities:
            return None, name or None
        community_id = resolve_community(name, communities, field)
    found = next((c for c in communities if str(c["community_id"]) == community_id), None)
    if found is None:  # an id not of the street's: said of the id, before any comparison with the text
        raise UnknownCommunity(community_id, id_field)
    if name and resolve_community(name, communities, field) != community_id:
        raise CommunitiesDisagree(name, field)
    return community_id, str(found["name"])
