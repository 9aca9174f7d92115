"""The loaders of a request: a page of twenty groups asks for their sessions in one request, not twenty.

Each loader gathers the keys its fields load in one tick and sends them to one batch endpoint (shared.batches),
at most MAX_BATCH at a time. The services answer the ids whose rows fit in an answer and leave out the rest
(`left`), which are asked for again: a constant number of requests for a page, however many rows it has.
Paged fields load `(id, first, after)`: each row's own page, in the same request as its siblings'.
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from typing import Any, Protocol

from strawberry.dataloader import DataLoader

from shared.batches import MAX_BATCH
from shared.contracts.errors import DomainError, error_from_dict

Rows = list[dict[str, Any]]
Refusal = Callable[[DomainError], BaseException]
"""How a service's refusal of one id becomes the error of that id's field (a GraphQL error with its code)."""
PageKey = tuple[str, int, str | None]
"""A row's id, how many children its page holds (`first`), and the cursor it starts after."""


class Ask(Protocol):
    """The context's query: one request to a service, its refusals raised as GraphQL errors."""

    def __call__(self, endpoint: str, payload: dict[str, Any], consistency_token: str | None = None,
                 service: str = "reporting") -> Awaitable[dict[str, Any]]: ...


class NoProgress(RuntimeError):
    """A batch endpoint answered none of the ids it was asked about: asking again would never end."""


def by_id(ask: Ask, service: str, endpoint: str, field: str, refused: Refusal
          ) -> Callable[[list[str]], Awaitable[list[Any]]]:
    """A batch function: what `endpoint` finds for each id, asked with `{field: ids}` until every id is answered
    (or refused: that id's field fails with the service's error, its siblings do not)."""

    async def load(ids: list[str]) -> list[Any]:
        found: dict[str, Any] = {}
        wanted = list(dict.fromkeys(ids))
        while wanted:
            answer = await ask(endpoint, {field: wanted}, service=service)
            found.update(answer["found"])
            found.update({i: refused(error_from_dict(e)) for i, e in (answer.get("refused") or {}).items()})
            left = [i for i in answer["left"] if i not in found]
            if len(left) >= len(wanted):
                raise NoProgress(f"{service}.{endpoint} answered none of {len(wanted)} ids")
            wanted = left
        return [found[i] for i in ids]

    return load


def pages_of(ask: Ask, service: str, endpoint: str, id_field: str
             ) -> Callable[[list[PageKey]], Awaitable[list[dict[str, Any] | None]]]:
    """A batch function: each key's page, asked of `endpoint` with `{"pages": [{id_field, first, after}]}`; the
    pages it answers come in order, and those it leaves out are asked for again."""

    async def load(keys: list[PageKey]) -> list[dict[str, Any] | None]:
        pages: list[dict[str, Any] | None] = []
        while len(pages) < len(keys):
            answer = await ask(endpoint, {"pages": [{id_field: i, "first": first, "after": after}
                                                    for i, first, after in keys[len(pages):]]}, service=service)
            if not answer["pages"]:
                raise NoProgress(f"{service}.{endpoint} answered none of {len(keys) - len(pages)} pages")
            pages += answer["pages"]
        return pages

    return load


@dataclass
class Loaders:
    """One set per request: its keys and answers are the caller's, never shared with another request."""

    group_sessions: DataLoader[str, Rows]
    volunteer_services: DataLoader[str, Rows]
    case_timelines: DataLoader[str, Rows]
    station_compounds: DataLoader[str, Rows]
    station_communities: DataLoader[str, Rows]
    recipient_cases: DataLoader[PageKey, dict[str, Any] | None]
    case_sessions: DataLoader[PageKey, dict[str, Any] | None]
    """Not cached: a page cut short is asked for again with the same key, and must be asked, not remembered."""

    @classmethod
    def of(cls, ask: Ask, refused: Refusal) -> Loaders:
        """The loaders asking through `ask`; `refused` turns a service's refusal of one id into its field's error."""

        def rows(endpoint: str, field: str) -> DataLoader[str, Rows]:
            return DataLoader(load_fn=by_id(ask, "reporting", endpoint, field, refused),
                              max_batch_size=MAX_BATCH)

        return cls(
            group_sessions=rows("group_sessions_batch", "group_ids"),
            volunteer_services=rows("volunteer_services_batch", "volunteer_ids"),
            case_timelines=rows("case_timeline_batch", "case_ids"),
            station_compounds=rows("compounds_batch", "station_ids"),
            station_communities=rows("communities_batch", "station_ids"),
            recipient_cases=DataLoader(load_fn=pages_of(ask, "reporting", "recipient_cases_batch", "recipient_id"),
                                       max_batch_size=MAX_BATCH),
            case_sessions=DataLoader(load_fn=pages_of(ask, "cases", "case_sessions_batch", "case_id"),
                                     max_batch_size=MAX_BATCH, cache=False))
