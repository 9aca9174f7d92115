"""Reading and checking a roster file, and committing it against the cases service's handlers (in memory)."""

from __future__ import annotations

from dataclasses import replace
from datetime import date
from typing import Any

import pytest

from services.cases.entrypoints.service import endpoints
from shared.contracts import Actor, Role
from shared.contracts.imports import ImportMode
from shared.eventstore.memory import InMemoryEventStore
from shared.imports import commit as importing
from shared.imports.errors import ImportFileRefused, ImportHasProblems
from shared.imports.files import MAX_ROWS, read_table
from shared.imports.roster import HEADERS, check_roster
from shared.imports.template import roster_template
from shared.runtime import RequestContext
from tests.rosters import as_csv, as_xlsx, id_number, person, roster, with_bad_check_digit

pytestmark = pytest.mark.dateless
TODAY = date(2026, 6, 15)
COMMUNITIES = {"状元坡社区": "状元坡社区", "一力社区": "一力社区", "430103001001": "一力社区"}
PLACES = ["状元坡社区", "一力社区"]


def test_the_same_roster_reads_alike_from_xlsx_utf8_with_and_without_bom_and_gb18030() -> None:
    people = roster(3, PLACES)
    tables = [read_table(as_xlsx(people)), read_table(as_csv(people)), read_table(as_csv(people, "utf-8")),
              read_table(as_csv(people, "gb18030"))]

    assert all(t == tables[0] for t in tables)
    assert tables[0][0] == list(HEADERS) and tables[0][1][2] == people[0].id_number


def test_the_template_has_the_headers_an_example_row_that_passes_and_a_sheet_of_rules() -> None:
    import io

    from openpyxl import load_workbook

    content = roster_template()
    checked = check_roster(read_table(content), TODAY, COMMUNITIES)
    book = load_workbook(io.BytesIO(content))

    assert checked.row_count == 1 and checked.problems == [] and len(checked.rows) == 1
    assert book.sheetnames == ["名单", "填写说明"]
    assert [r[0].value for r in book["填写说明"].iter_rows(min_row=2, max_row=len(HEADERS) + 1)] == list(HEADERS)


def test_every_problem_is_listed_at_its_row_and_column_with_the_value_masked() -> None:
    people = roster(8, PLACES)
    people[1] = with_bad_check_digit(people[1])
    people[2] = replace(people[2], categories="低保、五好家庭")
    people[3] = replace(people[3], community="不存在社区")
    people[4] = replace(people[4], valid_from="2099-01-01")
    people[5] = replace(people[5], valid_from="去年春天")
    people[6] = replace(people[6], name="")
    people[7] = replace(people[7], id_number=people[0].id_number)

    checked = check_roster(read_table(as_csv(people)), TODAY, COMMUNITIES)
    found = {(p.row, p.column, p.code): p for p in checked.problems}

    assert set(found) == {(3, "身份证号码", "bad_id_check_digit"), (4, "类别", "unknown_category"),
                          (5, "社区", "unknown_community"), (6, "纳入日期", "date_in_future"),
                          (7, "纳入日期", "bad_date"), (8, "姓名", "required"), (9, "身份证号码", "duplicate_in_file")}
    bad = found[(3, "身份证号码", "bad_id_check_digit")]
    assert bad.value == people[1].id_number[:4] + "*" * 10 + people[1].id_number[-4:]
    assert bad.zh == "校验码不符" and bad.en == "the check digit does not match"
    assert "五好家庭" in found[(4, "类别", "unknown_category")].zh
    assert found[(9, "身份证号码", "duplicate_in_file")].en == "repeats row 2"
    assert len(checked.rows) == 1 and checked.rows_with_problems == 7


def test_a_community_may_be_named_by_its_twelve_digit_code_and_spaces_do_not_count() -> None:
    people = [replace(person(0, PLACES), community="430103001001"), replace(person(1, PLACES), community="状元坡 社区")]

    checked = check_roster(read_table(as_csv(people)), TODAY, COMMUNITIES)

    assert checked.problems == [] and [r["community"] for r in checked.rows] == ["一力社区", "状元坡社区"]


@pytest.mark.parametrize(("content", "says"), [
    (b"", "the file is empty"),
    (b"\xff\xfe\x00\x01garbage\x00", "neither UTF-8 nor GB18030"),
    (b"PK\x03\x04 not really a zip", "not a readable XLSX"),
    ("姓名,性别\n张三,男\n".encode(), "lacks the columns"),
    (b"a" * (9 * 1024 * 1024), "larger than 8 MB"),
])
def test_a_file_that_is_no_roster_is_refused_whole_in_both_languages(content: bytes, says: str) -> None:
    with pytest.raises(ImportFileRefused) as refused:
        check_roster(read_table(content), TODAY, COMMUNITIES)

    assert refused.value.code == "import_file_refused" and says in refused.value.message.en
    assert refused.value.message.zh.startswith("导入文件被拒绝")


def test_more_rows_than_the_bound_are_refused() -> None:
    content = ("\n".join([",".join(HEADERS)] + ["x"] * (MAX_ROWS + 1))).encode()

    with pytest.raises(ImportFileRefused, match="more than 20000 data rows"):
        read_table(content)


class Service:
    """The cases service's endpoints over an in-memory store, called as the import calls them over NATS."""

    def __init__(self) -> None:
        self.store = InMemoryEventStore()
        self.endpoints = endpoints(self.store)
        self.actor = Actor(subject="sw-1", name="王社工", role=Role.SOCIAL_WORKER, station_ids=("st-1",))
        self.calls: list[str] = []
        self.fail_after: int | None = None

    async def call(self, service: str, endpoint: str, body: dict[str, Any]) -> dict[str, Any]:
        if endpoint == "apply_import_rows" and self.fail_after is not None:
            if self.fail_after == 0:
                raise ConnectionError("the service stopped")
            self.fail_after -= 1
        self.calls.append(endpoint)
        return dict(await self.endpoints[endpoint](body, RequestContext(actor=self.actor, correlation_id="c")))

    async def commit(self, content: bytes, mode: ImportMode = ImportMode.ALL_OR_NOTHING) -> dict[str, Any]:
        return await importing.commit(self.call, "roster", "st-1", content, mode, TODAY, COMMUNITIES, batch_rows=10)


async def test_a_roster_is_registered_reimported_unchanged_and_a_newer_one_applied_as_its_changes() -> None:
    service = Service()
    first = roster(25, PLACES)

    done = await service.commit(as_csv(first))
    events = len(service.store.events)

    assert (done["status"], done["registered"], done["rows_done"], done["problems"]) == ("finished", 25, 25, [])
    same = await service.commit(as_csv(first))
    assert (same["import_id"], same["already_imported"], len(service.store.events)) == (done["import_id"], True,
                                                                                         events)
    again = await service.commit(as_xlsx(first))  # the same people, another file: a new import, nothing changes
    assert again["unchanged"] == 25 and again["ended"] == 0
    recipient_events = [e for e in service.store.events if e.stream_type == "recipient"]
    assert len(recipient_events) == 25 and len(service.store.events) == events + 5  # started, 3 batches, finished

    newer = [*first[5:20], *roster(3, PLACES, start=25), replace(first[20], categories="低保、独居老人"),
             *first[21:]]
    changed = await service.commit(as_csv(newer))

    assert (changed["registered"], changed["updated"], changed["unchanged"], changed["ended"]) == (3, 1, 19, 5)


async def test_an_import_stopped_mid_way_resumes_after_its_last_batch_with_no_one_twice() -> None:
    service = Service()
    content = as_csv(roster(35, PLACES))
    service.fail_after = 2

    with pytest.raises(ConnectionError):
        await service.commit(content)
    [half] = (await service.call("cases", "imports", {"station_id": "st-1"}))["imports"]
    service.fail_after = None
    done = await service.commit(content)

    assert (half["status"], half["rows_done"], half["to_apply"]) == ("in_progress", 20, 35)
    assert (done["import_id"], done["status"], done["registered"]) == (half["import_id"], "finished", 35)
    assert len({e.stream_id for e in service.store.events if e.stream_type == "recipient"}) == 35
    assert service.calls.count("start_import") == 1


async def test_all_or_nothing_refuses_a_file_with_problems_and_row_by_row_skips_them() -> None:
    service = Service()
    people = roster(4, PLACES)
    people[2] = with_bad_check_digit(people[2])

    with pytest.raises(ImportHasProblems):
        await service.commit(as_csv(people))
    done = await service.commit(as_csv(people), ImportMode.ROW_BY_ROW)

    assert service.store.events and (done["registered"], done["skipped"]) == (3, 1)
    assert [(p["row"], p["code"]) for p in done["problems"]] == [(4, "bad_id_check_digit")]


async def test_a_row_the_service_refuses_is_reported_at_its_row_and_the_others_applied() -> None:
    service = Service()
    child = replace(person(1, PLACES), categories="留守儿童",
                    id_number=id_number(1, date(TODAY.year - 9, 5, 4), female=False))

    done = await service.commit(as_csv([person(0, PLACES), child]), ImportMode.ROW_BY_ROW)

    [problem] = done["problems"]
    assert done["registered"] == 1 and (problem["row"], problem["code"]) == (3, "invalid_input")
    assert "guardian" in problem["message_en"] and done["refused"] == [{"row": 3, "code": "invalid_input",
                                                                         "field": "guardian"}]
    assert done["ended"] == 0  # a refused row may be someone still on the list: nobody's category ends


def test_a_staff_list_is_checked_row_by_row() -> None:
    content = "\n".join(["工号,姓名,岗位,入职日期", "sw-1,王社工,社工,2024-03-01", "sw-1,李社工,社工,2024-03-01",
                         "hd-1,张站长,站长,2099-01-01", "sv-1,刘督导,总监,2024-03-01"]).encode()

    checked = importing.check("staff", content, TODAY, None)

    assert checked.rows == [{"row": 2, "staff_id": "sw-1", "name": "王社工", "role": "social_worker",
                             "joined_on": "2024-03-01"}]
    assert [(p.row, p.column, p.code) for p in checked.problems] == [
        (3, "工号", "duplicate_in_file"), (4, "入职日期", "date_in_future"), (5, "岗位", "unknown_role")]
