"""The golden corpus: every frozen example decodes today, and no contract changes shape without a new version."""

from __future__ import annotations

import json
from dataclasses import field, make_dataclass, replace
from pathlib import Path
from typing import Any

import pytest
from pydantic import TypeAdapter

from shared.contracts import corpus, registered_events
from shared.contracts.corpus import CORPUS, Refused, decode_any, freeze, incompatibilities, problems
from shared.contracts.registry import EventType

pytestmark = pytest.mark.dateless  # the corpus's dates are data: what it checks holds on any day

FROZEN = sorted(CORPUS.glob("events/*/v*.json"))


def test_the_corpus_holds_every_registered_type_at_its_current_version() -> None:
    frozen = {(p.parent.name, int(p.stem.removeprefix("v"))) for p in FROZEN}
    assert {(e.type_name, e.schema_version) for e in registered_events()} <= frozen, "run `make contracts`"


@pytest.mark.parametrize("path", FROZEN, ids=[f"{p.parent.name}-{p.stem}" for p in FROZEN])
def test_every_frozen_example_decodes_with_todays_code(path: Path) -> None:
    payload = decode_any(path.parent.name, int(path.stem.removeprefix("v")), json.loads(path.read_text()))
    assert type(payload).__name__ == path.parent.name


def test_no_contract_changed_shape_without_raising_its_version() -> None:
    assert problems() == []


# A scratch copy of a contract: the same name, so that each change is judged against the original's snapshot.
def _contract(*fields: tuple[Any, ...]) -> type[Any]:
    return make_dataclass("ScratchRecorded", [("case_id", str), ("hours", int), *fields], frozen=True, kw_only=True)


ORIGINAL = _contract(("note", str | None, field(default=None)))


def _registered(cls: type[Any], version: int = 1) -> EventType:
    return EventType(cls=cls, service="scratch", aggregate="scratch", name="recorded", schema_version=version,
                     description="")


@pytest.fixture
def scratch_corpus(tmp_path: Path) -> Path:
    path = corpus.schema_path(tmp_path, "ScratchRecorded", 1)
    path.parent.mkdir(parents=True)
    path.write_text(corpus.dumps(TypeAdapter(ORIGINAL).json_schema()))
    return tmp_path


def test_a_renamed_field_is_caught(scratch_corpus: Path) -> None:
    renamed = make_dataclass("ScratchRecorded", [("case_id", str), ("duration", int),
                                                 ("note", str | None, field(default=None))], frozen=True, kw_only=True)
    removed, added = problems(scratch_corpus, [_registered(renamed)])  # a rename is a removal and an addition
    assert removed.startswith("ScratchRecorded.hours: field removed (or renamed)")
    assert added.startswith("ScratchRecorded.duration: new required field without a default")
    assert "raise it to v2 and add an upcaster v1→v2" in removed


def test_a_retyped_field_is_caught(scratch_corpus: Path) -> None:
    retyped = make_dataclass("ScratchRecorded", [("case_id", str), ("hours", str),
                                                 ("note", str | None, field(default=None))], frozen=True, kw_only=True)
    [message] = problems(scratch_corpus, [_registered(retyped)])
    assert message.startswith('ScratchRecorded.hours: field retyped ({"type": "integer"} → {"type": "string"})')


def test_a_new_required_field_is_caught(scratch_corpus: Path) -> None:
    [message] = problems(scratch_corpus, [_registered(_contract(("note", str | None, field(default=None)),
                                                                ("place", str)))])
    assert message.startswith("ScratchRecorded.place: new required field without a default")


def test_a_new_optional_field_with_a_default_is_compatible(scratch_corpus: Path) -> None:
    widened = _contract(("note", str | None, field(default=None)), ("place", str, field(default="")))
    assert problems(scratch_corpus, [_registered(widened)]) == []


def test_an_incompatible_change_passes_once_the_version_is_raised_frozen_and_upcast(scratch_corpus: Path) -> None:
    renamed = make_dataclass("ScratchRecorded", [("case_id", str), ("duration", int)], frozen=True, kw_only=True)
    example = corpus.example_path(scratch_corpus, "ScratchRecorded", 1)
    example.parent.mkdir(parents=True)
    example.write_text(corpus.dumps({"case_id": "c-1", "hours": 2, "note": None}))
    raised = [_registered(renamed, version=2)]

    def no_upcaster(type_name: str, version: int, data: dict[str, Any]) -> Any:
        return TypeAdapter(renamed).validate_python(data)

    def upcasting(type_name: str, version: int, data: dict[str, Any]) -> Any:
        return TypeAdapter(renamed).validate_python({"case_id": data["case_id"], "duration": data["hours"]})

    not_frozen, not_upcast = problems(scratch_corpus, raised, no_upcaster)
    assert not_frozen == ("ScratchRecorded v2 has no frozen schema: run `make contracts` and commit tests/contracts"
                          " / ScratchRecorded v2 尚无冻结的 schema：运行 make contracts 并提交")
    assert not_upcast.startswith("ScratchRecorded v1 does not upcast to v2 (")
    assert "add an upcaster v1→v2 beside the contract" in not_upcast
    corpus.schema_path(scratch_corpus, "ScratchRecorded", 2).write_text(
        corpus.dumps(TypeAdapter(renamed).json_schema()))
    assert problems(scratch_corpus, raised, upcasting) == []


def test_nested_changes_and_removed_enum_values_are_named_by_their_path() -> None:
    old = {"type": "object", "required": ["items"], "$defs": {
        "Item": {"type": "object", "properties": {"kind": {"$ref": "#/$defs/Kind"}}, "required": ["kind"]},
        "Kind": {"type": "string", "enum": ["a", "b"]}},
        "properties": {"items": {"type": "array", "items": {"$ref": "#/$defs/Item"}}}}
    new = json.loads(json.dumps(old))
    new["$defs"]["Kind"]["enum"] = ["a", "c"]
    assert [c.message() for c in incompatibilities("T", old, new)] == [
        "T.items[].kind: enum value removed (b) / 取值被删除"]
    new["$defs"]["Kind"]["enum"] = ["a", "b", "c"]
    assert incompatibilities("T", old, new) == []


def test_make_contracts_adds_new_versions_and_refuses_to_overwrite_a_frozen_one(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]) -> None:
    added = freeze(tmp_path)
    assert len(added) == 2 * len(registered_events())
    assert freeze(tmp_path) == []  # nothing new: nothing written, nothing refused

    # The code changed CaseOpened's shape at the same version (as if a field had been renamed away):
    frozen = corpus.schema_path(tmp_path, "CaseOpened", 1)
    schema = json.loads(frozen.read_text())
    schema["properties"]["opened_by_hand"] = {"type": "boolean"}
    frozen.write_text(corpus.dumps(schema))
    corpus.example_path(tmp_path, "StationOpened", 1).unlink()
    with pytest.raises(Refused) as refused:
        freeze(tmp_path)
    assert "CaseOpened.opened_by_hand: field removed (or renamed)" in refused.value.en
    assert "拒绝覆盖已冻结的契约版本" in refused.value.zh
    assert json.loads(frozen.read_text()) == schema  # the frozen file is as it was
    assert not corpus.example_path(tmp_path, "StationOpened", 1).exists()  # and nothing else was written

    monkeypatch.setattr(corpus, "CORPUS", tmp_path)
    with pytest.raises(SystemExit) as exit_:
        corpus.main()
    assert exit_.value.code == 2
    err = capsys.readouterr().err
    assert "Refusing to overwrite a frozen contract version" in err and "拒绝覆盖" in err


def test_the_asyncapi_document_lists_every_version_in_the_stream(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """A type raised to v2 keeps its v1 message (frozen schema and example), each with its dataschema as `$id`."""
    import shared.contracts.asyncapi as asyncapi

    for path in (corpus.schema_path, corpus.example_path):
        path(tmp_path, "CaseOpened", 1).parent.mkdir(parents=True, exist_ok=True)
        path(tmp_path, "CaseOpened", 1).write_text(path(CORPUS, "CaseOpened", 1).read_text())
    raised = [replace(e, schema_version=2) if e.type_name == "CaseOpened" else e for e in registered_events()]
    monkeypatch.setattr(corpus, "CORPUS", tmp_path)
    monkeypatch.setattr(asyncapi, "registered_events", lambda: raised)

    document = asyncapi.catalogue()
    messages = document["components"]["messages"]
    assert list(document["channels"]["cases.case.opened"]["messages"]) == ["CaseOpened.v1", "CaseOpened"]
    assert messages["CaseOpened.v1"]["payload"]["$id"] == "urn:hemiao:event-schema:CaseOpened:v1"
    assert messages["CaseOpened.v1"]["title"] == "cn.hemiao.cases.case_opened.v1"
    old_example = messages["CaseOpened.v1"]["examples"][0]["payload"]  # the frozen one, sealed as it travels
    assert old_example == messages["CaseOpened"]["examples"][0]["payload"]
    assert old_example["presenting_problem"] == {"sealed": "<base64: 12-byte nonce + AES-256-GCM ciphertext>"}
    assert messages["CaseOpened"]["payload"]["$id"] == "urn:hemiao:event-schema:CaseOpened:v2"
    assert messages["CaseOpened"]["title"] == "cn.hemiao.cases.case_opened.v2"
    assert messages["StationOpened"]["payload"]["$id"] == "urn:hemiao:event-schema:StationOpened:v1"
