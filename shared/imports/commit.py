"""Preview and commit of an import, as the gateway and the `hemiao import` command run it over NATS.

The file is read and checked here, in memory; a commit sends the checked rows to the cases service in batches
(`apply_import_rows`), each answered with the import's progress. Uploading the same file again (its SHA-256)
resumes an import left unfinished after its last applied batch.
"""

from __future__ import annotations

import hashlib
from collections.abc import Awaitable, Callable, Iterable, Mapping, Sequence
from datetime import date
from typing import Any

from shared.contracts.errors import DomainError
from shared.contracts.imports import ImportKind, ImportMode
from shared.imports import places, roster, staff, volunteers
from shared.imports.errors import ImportFileChanged, ImportHasProblems, UnknownImportKind
from shared.imports.files import read_table
from shared.imports.rows import Checked
from shared.kernel.places import community_key

Call = Callable[[str, str, dict[str, Any]], Awaitable[dict[str, Any]]]
"""Ask a service: the service, an endpoint and its body; the answer's data (refusals raised as DomainError)."""
Progress = Callable[[int, int], None]
BATCH_ROWS = 100
"""Rows a batch sends: about a second of the cases service's work, well inside a request's 10 s."""
KINDS = [k.value for k in ImportKind]
_COLUMN_OF_FIELD = {"idNumber": roster.ID_NUMBER, "name": roster.NAME, "gender": roster.GENDER,
                    "phone": roster.PHONE, "community": roster.COMMUNITY, "address": roster.ADDRESS,
                    "birthYear": roster.BIRTH_YEAR, "birthDate": roster.ID_NUMBER,
                    "categories": roster.CATEGORY, "categories.validFrom": roster.VALID_FROM}


def communities_of(communities: Iterable[Mapping[str, Any]]) -> dict[str, str]:
    """A station's street's communities (as reporting's `communities` answers them) by `community_key` of the
    name and by 12-digit division code, to the registered name."""
    found: dict[str, str] = {}
    for community in communities:
        name = str(community["name"])
        found[community_key(name)] = name
        if community.get("division_code"):
            found[str(community["division_code"])] = name
    return found


def check(kind: str, content: bytes, today: date, communities: Mapping[str, str] | None,
          street_code: str | None = None) -> Checked:
    """The file read and every row checked: the preview (nothing is written). `street_code` is the division
    code of the street a places file is for."""
    if kind not in KINDS:
        raise UnknownImportKind(kind, KINDS)
    if kind == ImportKind.STAFF:
        return staff.check_staff(read_table(content), today)
    if kind == ImportKind.VOLUNTEER:
        return volunteers.check_volunteers(read_table(content), today)
    if kind == ImportKind.PLACES:
        return places.check_places(read_table(content), street_code)
    return roster.check_roster(read_table(content), today, communities)


def summary(checked: Checked) -> dict[str, Any]:
    return {"row_count": checked.row_count, "valid_rows": len(checked.rows),
            "rows_with_problems": checked.rows_with_problems, "problems": [p.as_dict() for p in checked.problems]}


async def _resumable(call: Call, station_id: str, sha: str, import_id: str | None) -> dict[str, Any] | None:
    if import_id is not None:
        status = await call("cases", "import_status", {"import_id": import_id})
        if status["file_sha256"] != sha or status["station_id"] != station_id:
            raise ImportFileChanged(import_id)
        return status
    listed = (await call("cases", "imports", {"station_id": station_id}))["imports"]
    same = [i for i in listed if i["file_sha256"] == sha]
    return next((i for i in same if i["status"] != "finished"), same[0] if same else None)


def _commit_problem(problem: Mapping[str, Any], rows: Mapping[int, Mapping[str, Any]]) -> dict[str, Any]:
    """A row the service refused, in the preview's shape: the column its field is, the value masked."""
    column = _COLUMN_OF_FIELD.get(str(problem.get("field")), roster.ID_NUMBER)
    value = {roster.ID_NUMBER: "id_number", roster.NAME: "name", roster.PHONE: "phone", roster.ADDRESS: "address",
             roster.COMMUNITY: "community"}.get(column)
    shown = roster.shown(column, str(rows.get(problem["row"], {}).get(value or "", "") or ""))
    return {"row": problem["row"], "column": column, "value": shown, "code": problem["code"],
            "message_zh": problem["message_zh"], "message_en": problem["message_en"]}


async def commit(call: Call, kind: str, station_id: str, content: bytes, mode: ImportMode, today: date,
                 communities: Mapping[str, str] | None, import_id: str | None = None,
                 on_progress: Progress | None = None, batch_rows: int = BATCH_ROWS,
                 street_code: str | None = None) -> dict[str, Any]:
    """Apply the file's rows (all or nothing: none when any row has a problem), resuming an unfinished import
    of the same file; the import's final status, with every row's problem. The same file imported and finished
    before at the station is answered with that import, and nothing is appended. A places file is for the
    street `station_id` then names (its division code `street_code`)."""
    checked = check(kind, content, today, communities, street_code)
    if mode == ImportMode.ALL_OR_NOTHING and checked.problems:
        raise ImportHasProblems(checked.rows_with_problems)
    sha = hashlib.sha256(content).hexdigest()
    if kind == ImportKind.STAFF:
        return await _commit_staff(call, station_id, checked, sha, mode, on_progress)
    if kind == ImportKind.VOLUNTEER:
        return await _commit_volunteers(call, station_id, checked, sha, mode, on_progress)
    if kind == ImportKind.PLACES:
        return await _commit_places(call, station_id, checked, sha, mode, on_progress)
    status = await _resumable(call, station_id, sha, import_id)
    if status is None:
        started = await call("cases", "start_import", {
            "station_id": station_id, "kind": kind, "mode": str(mode), "file_sha256": sha,
            "row_count": checked.row_count, "to_apply": len(checked.rows), "skipped": checked.rows_with_problems,
            "categories": [str(c) for c in checked.categories]})
        status = await call("cases", "import_status", {"import_id": started["import_id"]})
    import_id = str(status["import_id"])
    if status["status"] == "finished":  # this very file was imported already: nothing is applied again
        return {**status, "problems": [p.as_dict() for p in checked.problems], "already_imported": True}
    rows: Sequence[dict[str, Any]] = checked.rows
    by_row = {r["row"]: r for r in rows}
    problems = [p.as_dict() for p in checked.problems]
    done = int(status["rows_done"])
    if on_progress is not None:
        on_progress(done, len(rows))
    while done < len(rows):
        answer = await call("cases", "apply_import_rows", {"import_id": import_id, "first_row": done,
                                                  "rows": rows[done:done + batch_rows]})
        problems.extend(_commit_problem(p, by_row) for p in answer.get("problems", []))
        done = int(answer["rows_done"])
        if on_progress is not None:
            on_progress(done, len(rows))
    final = await call("cases", "finish_import", {"import_id": import_id})
    return {**final, "problems": sorted(problems, key=lambda p: (p["row"], p["column"])), "already_imported": False}


async def _commit_staff(call: Call, station_id: str, checked: Checked, sha: str, mode: ImportMode,
                        on_progress: Progress | None) -> dict[str, Any]:
    """Each row as the activities service's `join_staff`, one by one: someone already on the staff is left as
    they are (its refusal `already_exists`), so the same list again joins no one twice. No import stream is kept
    for staff: an interrupted list is simply imported again."""
    joined = unchanged = 0
    refused: list[dict[str, Any]] = []
    problems = [p.as_dict() for p in checked.problems]
    columns = {"staffId": staff.STAFF_ID, "name": staff.NAME, "role": staff.ROLE, "joinedOn": staff.JOINED_ON}
    for done, row in enumerate(checked.rows, start=1):
        try:
            await call("activities", "join_staff", {
                "staff_id": row["staff_id"], "name": row["name"], "role": row["role"], "station_ids": [station_id],
                "joined_on": row["joined_on"]})
            joined += 1
        except DomainError as error:
            if error.code == "already_exists":
                unchanged += 1
            else:
                refused.append({"row": row["row"], "code": error.code, "field": error.field})
                column = columns.get(str(error.field), staff.STAFF_ID)
                problems.append({"row": row["row"], "column": column, "value": str(row.get({
                    staff.STAFF_ID: "staff_id", staff.NAME: "name", staff.ROLE: "role",
                    staff.JOINED_ON: "joined_on"}[column], ""))[:40], "code": error.code,
                    "message_zh": error.message.zh, "message_en": error.message.en})
        if on_progress is not None:
            on_progress(done, len(checked.rows))
    return {"import_id": f"staff-{sha[:16]}", "station_id": station_id, "kind": ImportKind.STAFF.value,
            "mode": str(mode), "file_sha256": sha, "row_count": checked.row_count, "to_apply": len(checked.rows),
            "skipped": checked.rows_with_problems, "rows_done": len(checked.rows), "registered": joined,
            "updated": 0, "unchanged": unchanged, "ended": 0, "refused": refused, "status": "finished",
            "problems": sorted(problems, key=lambda p: (p["row"], p["column"])), "already_imported": False}


def _outcome(kind: ImportKind, place_id: str, sha: str, mode: ImportMode, checked: Checked,
             registered: int, unchanged: int, refused: list[dict[str, Any]],
             problems: list[dict[str, Any]]) -> dict[str, Any]:
    """An import applied row by row in the activities service, in the status's shape (no import stream)."""
    return {"import_id": f"{kind.value}-{sha[:16]}", "station_id": place_id, "kind": kind.value, "mode": str(mode),
            "file_sha256": sha, "row_count": checked.row_count, "to_apply": len(checked.rows),
            "skipped": checked.rows_with_problems, "rows_done": len(checked.rows), "registered": registered,
            "updated": 0, "unchanged": unchanged, "ended": 0, "refused": refused, "status": "finished",
            "problems": sorted(problems, key=lambda p: (p["row"], p["column"])), "already_imported": False}


_VOLUNTEER_COLUMNS = {"idNumber": volunteers.ID_NUMBER, "name": volunteers.NAME, "gender": volunteers.GENDER,
                      "contact": volunteers.PHONE, "birthYear": volunteers.BIRTH_YEAR,
                      "birthDate": volunteers.ID_NUMBER, "consentGivenOn": volunteers.REGISTERED_ON}
_VOLUNTEER_VALUES = {volunteers.ID_NUMBER: "id_number", volunteers.NAME: "name", volunteers.PHONE: "contact"}


async def _commit_volunteers(call: Call, station_id: str, checked: Checked, sha: str, mode: ImportMode,
                             on_progress: Progress | None) -> dict[str, Any]:
    """Each row as the activities service's `register_volunteer`, one by one, with the consent the national
    system took (`volunteers.BASIS`, on the day of that registration). An ID number already on record is one
    volunteer's (its unique claim): the row is refused `already_registered` and left unchanged, so the same list
    again registers no one twice and appends nothing."""
    registered = unchanged = 0
    refused: list[dict[str, Any]] = []
    problems = [p.as_dict() for p in checked.problems]
    for done, row in enumerate(checked.rows, start=1):
        try:
            await call("activities", "register_volunteer", {
                "station_id": station_id, "name": row["name"], "gender": row["gender"],
                "age_group": row["age_group"], "birth_date": row["birth_date"], "id_number": row["id_number"],
                "contact": row["contact"], "service_categories": row["service_categories"],
                "consent_given_on": row["consent_given_on"], "consent_purpose": volunteers.BASIS})
            registered += 1
        except DomainError as error:
            if error.code == "already_registered":
                unchanged += 1
            else:
                refused.append({"row": row["row"], "code": error.code, "field": error.field})
                column = _VOLUNTEER_COLUMNS.get(str(error.field), volunteers.ID_NUMBER)
                problems.append({"row": row["row"], "column": column, "value": roster.shown(
                    column, str(row.get(_VOLUNTEER_VALUES.get(column, ""), "") or "")), "code": error.code,
                    "message_zh": error.message.zh, "message_en": error.message.en})
        if on_progress is not None:
            on_progress(done, len(checked.rows))
    return _outcome(ImportKind.VOLUNTEER, station_id, sha, mode, checked, registered, unchanged, refused, problems)


async def _commit_places(call: Call, street_id: str, checked: Checked, sha: str, mode: ImportMode,
                         on_progress: Progress | None) -> dict[str, Any]:
    """Each community as the activities service's `add_community`, each compound as `add_compound`, one by one:
    a community the street has already (the same division code, or the same name by `community_key`) and a
    compound it has already are left unchanged, so the same file again adds nothing. `registered` counts the
    places added, `unchanged` those there already."""
    existing = (await call("reporting", "communities", {"street_id": street_id}))["communities"]
    ids: dict[str, str] = {}
    for community in existing:
        ids[community_key(str(community["name"]))] = str(community["community_id"])
        if community.get("division_code"):
            ids[str(community["division_code"])] = str(community["community_id"])
    added = unchanged = 0
    refused: list[dict[str, Any]] = []
    problems = [p.as_dict() for p in checked.problems]

    def refusal(row: Mapping[str, Any], column: str, error: DomainError) -> None:
        refused.append({"row": row["row"], "code": error.code, "field": error.field})
        value = row["division_code"] if column == places.CODE else row["compound"] or row["community"]
        problems.append({"row": row["row"], "column": column, "value": str(value)[:40], "code": error.code,
                         "message_zh": error.message.zh, "message_en": error.message.en})

    counted: set[str] = set()
    for done, row in enumerate(checked.rows, start=1):
        key = community_key(row["community"])
        community_id = ids.get(row["division_code"]) or ids.get(key)
        if community_id is None:
            try:
                answer = await call("activities", "add_community", {
                    "street_id": street_id, "name": row["community"], "kind": row["kind"],
                    "division_code": row["division_code"]})
                community_id = str(answer["community_id"])
                added += 1
            except DomainError as error:
                refusal(row, places.CODE if error.field == "divisionCode" else places.NAME, error)
                community_id = None
            if community_id is not None:
                ids[key] = ids[row["division_code"]] = community_id
            counted.add(key)
        elif key not in counted:
            unchanged += 1
            counted.add(key)
        if community_id is not None and row["compound"]:
            try:
                await call("activities", "add_compound", {"street_id": street_id, "community_id": community_id,
                                                          "name": row["compound"]})
                added += 1
            except DomainError as error:
                if error.code == "already_exists" and error.field == "name":
                    unchanged += 1
                else:
                    refusal(row, places.COMPOUND, error)
        if on_progress is not None:
            on_progress(done, len(checked.rows))
    return _outcome(ImportKind.PLACES, street_id, sha, mode, checked, added, unchanged, refused, problems)
