"""What a search for people was made by, as its audit records it (never the term itself): shared by the
recipients' search (cases) and the volunteers' (activities)."""

from __future__ import annotations

from enum import StrEnum


class SearchCriterion(StrEnum):
    NAME_PART = "name_part"
    ID_NUMBER = "id_number"
    PHONE = "phone"
