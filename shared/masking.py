"""How personal data shows when masked: in masked reads and in every file that leaves the system.
(ID numbers: `shared.id_number.masked`.)"""

from __future__ import annotations


def masked_name(name: str) -> str:
    """The family name and a star for each other character: 李** for 李小花."""
    return name[:1] + "*" * (len(name) - 1)


def masked_phone(phone: str) -> str:
    """The first three and last four digits: 138****0000."""
    return phone[:3] + "*" * max(len(phone) - 7, 0) + phone[-4:] if len(phone) > 7 else "*" * len(phone)
