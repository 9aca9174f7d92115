"""Finding recipients by part of the name, ID number or phone, without a plaintext index; and duplicate hints.

The index (`recipient_search`, migration 0002) holds only keyed digests (shared.kernel.search_terms) of each
recipient's name characters and pairs, ID number and phone, with the station and recipient ids. It is written by
the event store in the transaction that appends the events changing them (`RecipientIndex`, kept by the store as
derived rows): registering, updating, merging (the duplicate leaves the index) and erasing (the person's rows
go with their key). Beside it, `recipient_cases` keeps each case's recipient and whether it is open.

A search looks up the digests of its own terms at the caller's stations, then confirms each candidate against the
record opened inside this service (pairs out of order are dropped), and answers at most 20, names masked unless
a purpose is given. Every search, whether it answers anyone or not, is recorded (RecipientsSearched: who, at
which stations, by what, never the term, with which purpose, the ids answered), and each recipient shown
unmasked as the unmasked reads are (RecipientDataDisclosed). A station named that is not the caller's is refused.

Both tables are derived: `python -m services.cases reindex` rebuilds them from the store.
"""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Iterable, Sequence
from datetime import UTC, datetime
from typing import Any
from uuid import uuid4

import asyncpg

from services.cases.application import views
from services.cases.domain.commands import RegisterRecipient
from services.cases.domain.errors import SearchTermNeeded
from shared.application import Unit, answer, execute
from shared.contracts.cases import (
    CaseClosed,
    CaseOpened,
    CaseReopened,
    RecipientDataDisclosed,
    RecipientErased,
    RecipientMergedInto,
    RecipientRegistered,
    RecipientsSearched,
    RecipientUpdated,
)
from shared.contracts.errors import Forbidden, InvalidInput, Message
from shared.eventstore import EventStore, StreamAppend
from shared.eventstore.postgres import PostgresEventStore
from shared.kernel import matching
from shared.kernel.search_terms import (
    Searched,
    TermKey,
    id_number_term,
    name_query_terms,
    name_terms,
    normalise_id_number,
    normalise_name,
    phone_digits,
    phone_term,
)
from shared.masking import masked_name
from shared.rules import require_station
from shared.runtime import RequestContext

log = logging.getLogger(__name__)

NAME, ID_NUMBER, PHONE = "n", "i", "p"
"""The `field` of an index row: which of the three its digest stands for."""
_FIELDS = {"name": NAME, "id_number": ID_NUMBER, "phone": PHONE}
MOST = 20
"""Recipients a search answers at most."""
CANDIDATES = 200
"""Candidates a search opens at most before it stops (a one-character name part can match hundreds)."""
HINT_CANDIDATES = 50
"""Records a registration's duplicate hints open at most (those holding the whole name, the ID number or the phone)."""
OPENED_AT_ONCE = 10
"""Candidates opened at once (each a stream read on a connection of its own, of the service's pool of 20)."""
NAME_PART_MAX, ID_NUMBER_MAX, PHONE_MAX, PURPOSE_MAX = 20, 24, 24, 200
"""Input bounds (characters, before normalising)."""
PHONE_DIGITS_MIN = 7

# The index, kept by the event store ------------------------------------------------------------------------


class RecipientIndex:
    """The derived rows of recipient_search and recipient_cases, written from the events as decided (plaintext in
    memory only: what is written is digests)."""

    writes_for = frozenset(kind.__name__ for kind in (RecipientRegistered, RecipientUpdated, RecipientMergedInto,
                                                      RecipientErased, CaseOpened, CaseClosed, CaseReopened))

    def __init__(self, key: TermKey) -> None:
        self.key = key

    async def write(self, conn: asyncpg.Connection, append: StreamAppend) -> None:
        await self.apply(conn, append.events)

    def _digests(self, field: str, value: str | None) -> list[bytes]:
        if not value:
            return []
        match field:
            case "n":
                return self.key.digests(name_terms(value))
            case "i":
                return [self.key.digest(id_number_term(value))]
            case _:
                return [self.key.digest(phone_term(value))] if phone_digits(value) else []

    async def _replace(self, conn: asyncpg.Connection, station_id: str, recipient_id: str, field: str,
                       value: str | None) -> None:
        await conn.execute("DELETE FROM recipient_search WHERE recipient_id = $1 AND field = $2", recipient_id, field)
        digests = self._digests(field, value)
        if digests:
            await conn.execute(
                "INSERT INTO recipient_search (station_id, recipient_id, field, digest)"
                " SELECT $1, $2, $3, d FROM unnest($4::bytea[]) AS d ON CONFLICT DO NOTHING",
                station_id, recipient_id, field, digests)

    async def apply(self, conn: asyncpg.Connection, events: Iterable[object]) -> None:
        for event in events:
            match event:
                case RecipientRegistered() as e:
                    for name, field in _FIELDS.items():
                        await self._replace(conn, e.station_id, e.recipient_id, field, getattr(e, name))
                case RecipientUpdated() as e:
                    await conn.execute("UPDATE recipient_search SET station_id = $2"
                                       " WHERE recipient_id = $1 AND station_id <> $2", e.recipient_id, e.station_id)
                    for name in e.changed:
                        if name in _FIELDS:
                            await self._replace(conn, e.station_id, e.recipient_id, _FIELDS[name], getattr(e, name))
                case RecipientMergedInto(recipient_id=gone) | RecipientErased(recipient_id=gone):
                    await conn.execute("DELETE FROM recipient_search WHERE recipient_id = $1", gone)
                case CaseOpened() as e:
                    await conn.execute(
                        "INSERT INTO recipient_cases (case_id, recipient_id, station_id, open)"
                        " VALUES ($1, $2, $3, true) ON CONFLICT (case_id) DO UPDATE SET open = true",
                        e.case_id, e.recipient_id, e.station_id)
                case CaseClosed(case_id=case_id):
                    await conn.execute("UPDATE recipient_cases SET open = false WHERE case_id = $1", case_id)
                case CaseReopened(case_id=case_id):
                    await conn.execute("UPDATE recipient_cases SET open = true WHERE case_id = $1", case_id)


async def rebuild(pool: asyncpg.Pool, store: EventStore, index: RecipientIndex) -> dict[str, int]:
    """Both tables anew from the store, in one transaction (appends wait for it, so none is missed)."""
    async with pool.acquire() as conn, conn.transaction():
        await conn.execute("LOCK TABLE recipient_search, recipient_cases IN EXCLUSIVE MODE")
        await conn.execute("DELETE FROM recipient_search")
        await conn.execute("DELETE FROM recipient_cases")
        streams = 0
        for stream_type in ("recipient", "case"):
            for stream_id in await store.stream_ids(stream_type):
                await index.apply(conn, [recorded.payload for recorded in await store.read_stream(stream_id)])
                streams += 1
        rows = await conn.fetchval("SELECT count(*) FROM recipient_search")
        cases = await conn.fetchval("SELECT count(*) FROM recipient_cases")
    return {"streams": streams, "search_rows": rows, "case_rows": cases}


# Lookups ---------------------------------------------------------------------------------------------------


async def open_cases(conn: asyncpg.Connection | asyncpg.Pool, recipient_ids: Sequence[str]) -> dict[str, list[str]]:
    """Each recipient's open cases (by case id)."""
    rows = await conn.fetch("SELECT recipient_id, case_id FROM recipient_cases WHERE recipient_id = ANY($1) AND open"
                            " ORDER BY case_id", list(recipient_ids))
    found: dict[str, list[str]] = {}
    for row in rows:
        found.setdefault(row["recipient_id"], []).append(row["case_id"])
    return found


async def _holding_all(conn: asyncpg.Connection | asyncpg.Pool, station_ids: list[str] | None,
                       digests: list[bytes], most: int) -> list[str]:
    """Recipients (at the stations; None: any) whose rows hold every one of the digests."""
    rows = await conn.fetch(
        "SELECT recipient_id FROM recipient_search WHERE digest = ANY($1::bytea[])"
        " AND ($2::text[] IS NULL OR station_id = ANY($2::text[]))"
        " GROUP BY recipient_id HAVING count(DISTINCT digest) = $3 ORDER BY recipient_id LIMIT $4",
        digests, station_ids, len(digests), most)
    return [row["recipient_id"] for row in rows]


def _particulars(view: dict[str, Any]) -> matching.Particulars:
    return matching.Particulars(name=view["name"], birth_year=view["birth_year"], gender=view["gender"],
                                community=view["community"], community_id=view.get("community_id"),
                                id_number=view["id_number"], phone=view["phone"])


def _bounded(body: dict[str, Any], name: str, field: str, most: int) -> str | None:
    value = body.get(name)
    if value is None or value == "":
        return None
    if not isinstance(value, str):
        raise InvalidInput(Message(zh=f"{field} 应为文字", en=f"{field} must be text"), field=field)
    if len(value) > most:
        raise InvalidInput(Message(zh=f"{field} 最多 {most} 个字符", en=f"{field} takes at most {most} characters"),
                           field=field)
    return value


def searched(body: dict[str, Any]) -> Searched:
    """The terms of a search, checked: at least one, each within its bounds."""
    name = _bounded(body, "name", "name", NAME_PART_MAX)
    id_number = _bounded(body, "id_number", "idNumber", ID_NUMBER_MAX)
    phone = _bounded(body, "phone", "phone", PHONE_MAX)
    if name is not None and not normalise_name(name):
        raise InvalidInput(Message(zh="姓名片段不能只有空格", en="The name part must not be blank"), field="name")
    if id_number is not None:
        id_number = normalise_id_number(id_number)
        if len(id_number) != 18:
            raise InvalidInput(Message(zh="按身份证号查找须输入完整的 18 位号码",
                                       en="Searching by ID number takes the whole 18-character number"),
                               field="idNumber")
    if phone is not None and len(phone_digits(phone)) < PHONE_DIGITS_MIN:
        raise InvalidInput(Message(zh=f"按电话查找须至少输入 {PHONE_DIGITS_MIN} 位数字",
                                   en=f"Searching by phone takes at least {PHONE_DIGITS_MIN} digits"), field="phone")
    if name is None and id_number is None and phone is None:
        raise SearchTermNeeded()
    return Searched(name=name and normalise_name(name), id_number=id_number, phone=phone and phone_digits(phone))


class RecipientSearch:
    """The search and the duplicate hints, over this service's index and its own streams."""

    def __init__(self, store: EventStore, pool: asyncpg.Pool, index: RecipientIndex) -> None:
        self.store, self.pool, self.key = store, pool, index.key

    def _stations(self, body: dict[str, Any], request: RequestContext) -> list[str] | None:
        """The stations searched: the one asked for, refused when not the caller's (as every query refuses it);
        else all the caller's (None: every one)."""
        station_id = body.get("station_id")
        if station_id:
            require_station(request.actor, str(station_id))
            return [str(station_id)]
        return None if request.actor.sees_every_station else list(request.actor.station_ids)

    async def find_recipients(self, body: dict[str, Any], request: RequestContext) -> dict[str, Any]:
        """Recipients holding what was asked, at the caller's stations, at most 20; masked names unless a purpose
        is given (then in full, for the roles that may read unmasked). Recorded in the audit of sensitive reads."""
        asked = searched(body)
        purpose = _bounded(body, "purpose", "purpose", PURPOSE_MAX)
        purpose = purpose.strip() if purpose else None
        if purpose and request.actor.role not in views.MAY_UNMASK:
            raise Forbidden(Message(zh="您的角色不能查看未遮蔽的查找结果",
                                    en="Your role may not read search results unmasked"), field="purpose")
        limit = min(max(int(body.get("limit") or MOST), 1), MOST)
        stations = self._stations(body, request)
        found: list[dict[str, Any]] = []
        candidates = await _holding_all(self.pool, stations, self.key.digests(asked.terms()), CANDIDATES)
        for start in range(0, len(candidates), OPENED_AT_ONCE):  # a batch at a time, each batch at once
            batch = candidates[start:start + OPENED_AT_ONCE]
            opened = await asyncio.gather(*(views.recipient_view(self.store, i, request, unmasked=True) for i in batch))
            found += [v for v in opened if v is not None and not v["erased"] and v["merged_into"] is None
                      and asked.holds(v["name"], v["id_number"], v["phone"])]
            if len(found) >= limit:
                found = found[:limit]
                break
        cases = await open_cases(self.pool, [v["recipient_id"] for v in found])
        matches = [{"recipient_id": v["recipient_id"], "station_id": v["station_id"],
                    "name": v["name"] if purpose else masked_name(v["name"]), "masked": not purpose,
                    "community": v["community"], "community_id": v.get("community_id"), "gender": v["gender"],
                    "birth_year": v["birth_year"],
                    "open_case_id": next(iter(cases.get(v["recipient_id"], [])), None)} for v in found]
        log.info("find_recipients by %s: %d found (%s)", request.actor.subject, len(found),
                 "unmasked" if purpose else "masked")
        position = await self._record(found, asked, purpose, stations, request)
        return {"matches": matches, "position": position}

    async def _record(self, found: list[dict[str, Any]], asked: Searched, purpose: str | None,
                      stations: list[str] | None, request: RequestContext) -> dict[str, Any]:
        """Every search, found or not, in one append: RecipientsSearched (who, where, by what, which ids), and a
        disclosure row per recipient shown unmasked; its position, to read the audit back at once."""
        now = datetime.now(UTC)
        events: list[object] = [RecipientsSearched(
            station_ids=tuple(stations or ()), every_station=stations is None, criteria=asked.criteria(),
            purpose=purpose or "", found=tuple(v["recipient_id"] for v in found), searched_by=request.actor.subject,
            searched_by_role=request.actor.role.value, searched_at=now)]
        if purpose:
            said = f"{purpose}（{asked.described()}）"
            events += [RecipientDataDisclosed(recipient_id=v["recipient_id"], station_id=v["station_id"],
                                              fields=("name",), purpose=said, read_by=request.actor.subject,
                                              read_by_role=request.actor.role.value, read_at=now) for v in found]
        # A stream of its own per search: one append whatever the recipients' audit trails hold already.
        appended = await execute(
            Unit(store=self.store, request=RequestContext(actor=request.actor, correlation_id=request.correlation_id),
                 fingerprint=""),
            views.DISCLOSURES, f"disclosures-search-{uuid4()}", lambda _: events, {})
        return dict(answer(appended, "cases")["position"])

    # Duplicate hints ---------------------------------------------------------------------------------------

    async def _likely(self, station_id: str, new: matching.Particulars, request: RequestContext,
                      leave_out: str) -> list[matching.PotentialMatch]:
        name_digests = self.key.digests(name_query_terms(new.name)) if new.name else []
        other = [self.key.digest(id_number_term(new.id_number))] if new.id_number else []
        if new.phone and phone_digits(new.phone):
            other.append(self.key.digest(phone_term(new.phone)))
        if not name_digests and not other:
            return []
        candidates = set(await _holding_all(self.pool, [station_id], name_digests, CANDIDATES) if name_digests
                         else [])
        if other:
            rows = await self.pool.fetch("SELECT DISTINCT recipient_id FROM recipient_search"
                                         " WHERE station_id = $1 AND digest = ANY($2::bytea[]) LIMIT $3",
                                         station_id, other, CANDIDATES)
            candidates |= {row["recipient_id"] for row in rows}
        candidates.discard(leave_out)
        others: dict[str, matching.Particulars] = {}
        chosen = sorted(candidates)[:HINT_CANDIDATES]
        for start in range(0, len(chosen), OPENED_AT_ONCE):
            batch = chosen[start:start + OPENED_AT_ONCE]
            opened = await asyncio.gather(*(views.recipient_view(self.store, i, request, unmasked=True) for i in batch))
            others.update({v["recipient_id"]: _particulars(v) for v in opened
                           if v is not None and not v["erased"] and v["merged_into"] is None})
        return matching.potential_matches(new, others)

    async def potential_matches(self, command: RegisterRecipient, request: RequestContext) -> list[dict[str, Any]]:
        """The station's records this registration probably duplicates, likeliest first."""
        new = matching.Particulars(name=command.name, birth_year=command.birth_year, gender=command.gender.value,
                                   community=command.community, community_id=command.community_id,
                                   id_number=command.id_number, phone=command.phone)
        return [_hint(m) for m in await self._likely(command.station_id, new, request, command.recipient_id)]

    async def recipient_matches(self, body: dict[str, Any], request: RequestContext) -> dict[str, Any]:
        """A recorded recipient's potential matches (Recipient.potentialMatches): null when not the caller's."""
        recipient_id = str(body.get("recipient_id", ""))
        view = await views.recipient_view(self.store, recipient_id, request, unmasked=True)
        if view is None or view["erased"] or view["merged_into"] is not None:
            return {"potential_matches": None if view is None else []}
        likely = await self._likely(view["station_id"], _particulars(view), request, recipient_id)
        return {"potential_matches": [_hint(m) for m in likely]}

    async def open_case_warnings(self, recipient_id: str) -> list[dict[str, Any]]:
        """already_has_open_case for each open case of the recipient."""
        return [{"code": "already_has_open_case", "case_id": case_id,
                 "message": {"zh": f"该服务对象已有未结个案 {case_id}",
                             "en": f"This recipient already has an open case, {case_id}"}}
                for case_id in (await open_cases(self.pool, [recipient_id])).get(recipient_id, [])]


def _hint(match: matching.PotentialMatch) -> dict[str, Any]:
    return {"recipient_id": match.record_id, "likelihood": match.likelihood,
            "reasons": [r.value for r in match.reasons]}


def recipient_search_of(store: EventStore, pool: asyncpg.Pool) -> RecipientSearch | None:
    """The running service's search: the store keeps the index with every append from now on. None for a store
    that keeps no derived rows (the in-memory one)."""
    if not isinstance(store, PostgresEventStore):
        return None
    index = RecipientIndex(store.search_key("cases"))
    store.keep("recipient_search", index)
    return RecipientSearch(store, pool, index)
