"""`schema-changes.yaml`: every breaking (and, if one likes, dangerous) GraphQL change, with its reason and date."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from pathlib import Path

import yaml
from graphql.utilities import BreakingChangeType, DangerousChangeType

KINDS = frozenset(BreakingChangeType.__members__) | frozenset(DangerousChangeType.__members__)
FIELDS = ("change", "description", "reason", "date")


class ChangelogError(ValueError):
    """The changelog file is not in the form the check reads; says where, in Chinese and English."""

    def __init__(self, where: str, zh: str, en: str) -> None:
        super().__init__(f"{where}: {zh} / {en}")


@dataclass(frozen=True, kw_only=True)
class Entry:
    """One listed change, named as graphql-core names it (its type and its description)."""

    change: str
    description: str
    reason: str
    date: dt.date

    @property
    def key(self) -> tuple[str, str]:
        """What a found change must equal to count as listed."""
        return (self.change, self.description)


@dataclass(frozen=True, kw_only=True)
class Changelog:
    """The entries of the file, in its order."""

    entries: tuple[Entry, ...]

    def lists(self, change: str, description: str) -> bool:
        """Whether this change (graphql-core's type name and description) has an entry."""
        return any(e.key == (change, description) for e in self.entries)


def load_changelog(path: Path) -> Changelog:
    """Read and validate the file; an entry missing a field, with an unknown type or no reason is refused."""
    document = yaml.safe_load(path.read_text(encoding="utf-8")) if path.exists() else None
    if document is None:
        return Changelog(entries=())
    if not isinstance(document, dict) or set(document) != {"changes"}:
        raise ChangelogError(str(path), "顶层须只有 changes 列表", "the top level must hold only a `changes` list")
    raw = document["changes"] or []
    if not isinstance(raw, list):
        raise ChangelogError(str(path), "changes 须是列表", "`changes` must be a list")
    return Changelog(entries=tuple(_entry(f"{path} changes[{i}]", item) for i, item in enumerate(raw)))


def _entry(where: str, item: object) -> Entry:
    if not isinstance(item, dict) or set(item) != set(FIELDS):
        raise ChangelogError(where, "每条须恰有 change、description、reason、date 四项",
                             "each entry must have exactly change, description, reason and date")
    change, description, reason, date = (item[f] for f in FIELDS)
    if change not in KINDS:
        raise ChangelogError(where, f"未知的变更类型 {change!r}",
                             f"unknown change type {change!r} (use graphql-core's names)")
    if not isinstance(description, str) or not description.strip():
        raise ChangelogError(where, "description 须是 graphql-core 给出的说明",
                             "description must be graphql-core's text")
    if not isinstance(reason, str) or not reason.strip():
        raise ChangelogError(where, "须写明理由", "a reason is required")
    if not isinstance(date, dt.date) or isinstance(date, dt.datetime):
        raise ChangelogError(where, "date 须是 YYYY-MM-DD 日期", "date must be a YYYY-MM-DD date")
    return Entry(change=change, description=description, reason=reason.strip(), date=date)
