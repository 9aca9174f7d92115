"""The GraphQL breaking-change check: the code against the schema front ends were given, and the changelog."""

from __future__ import annotations

from pathlib import Path

import pytest
from graphql import build_schema

from gateway.schema import schema
from gateway.schema_check import ChangelogError, compare, load_changelog, verdict
from gateway.schema_check.__main__ import main

pytestmark = pytest.mark.dateless  # its dates are data: what it checks holds on any day

ROOT = Path(__file__).resolve().parents[3]

GIVEN = '''
type Query {
  cases(status: CaseStatus, first: Int): [Case!]!
  caseCount: Int!
}
type Case { id: ID! status: CaseStatus! }
enum CaseStatus { OPEN CLOSED }
'''


def sdl(tmp_path: Path, name: str, text: str) -> str:
    path = tmp_path / name
    path.write_text(text, encoding="utf-8")
    return str(path)


def check(tmp_path: Path, new: str, changelog: str = "changes: []\n") -> int:
    return main(["--baseline", sdl(tmp_path, "baseline.graphql", GIVEN), "--schema", sdl(tmp_path, "new.graphql", new),
                 "--changelog", sdl(tmp_path, "changes.yaml", changelog)])


def test_the_code_has_no_unlisted_breaking_change_against_the_committed_baseline(
        capsys: pytest.CaptureFixture[str]) -> None:
    # given the committed schema.baseline.graphql and schema-changes.yaml, when the check runs on the code
    assert main([]) == 0, capsys.readouterr().err
    # then it says so, and it did compare the schema the gateway serves
    assert "no unlisted breaking change" in capsys.readouterr().out
    assert (ROOT / "schema.baseline.graphql").exists()


def test_removing_a_field_of_the_real_schema_is_caught() -> None:
    # given the baseline front ends hold, and the code's schema with one query field gone
    changed = build_schema(schema.as_str())
    field = sorted(changed.query_type.fields)[0]  # type: ignore[union-attr]
    del changed.query_type.fields[field]  # type: ignore[union-attr]
    # when compared
    result = verdict(compare((ROOT / "schema.baseline.graphql").read_text(), changed), load_changelog(
        ROOT / "schema-changes.yaml"))
    # then that removal fails the check
    assert not result.passes
    assert [(c.change, c.description) for c in result.unlisted_breaking] == [
        ("FIELD_REMOVED", f"Field Query.{field} was removed.")]


def test_deprecating_a_field_of_the_real_schema_passes() -> None:
    # given the code's schema with every query field marked @deprecated, as the first step of retiring them
    changed = build_schema(schema.as_str())
    for field in changed.query_type.fields.values():  # type: ignore[union-attr]
        field.deprecation_reason = "use something else"
    # when compared with the baseline, then nothing breaks
    result = verdict(compare((ROOT / "schema.baseline.graphql").read_text(), changed), load_changelog(
        ROOT / "schema-changes.yaml"))
    assert result.passes and not result.unlisted_breaking


def test_a_removed_field_fails_with_a_bilingual_message_naming_it(
        tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    # when caseCount is removed and nothing lists it
    assert check(tmp_path, GIVEN.replace("caseCount: Int!", "")) == 1
    # then the message names the change as graphql-core does, in Chinese and English, with an entry to paste
    err = capsys.readouterr().err
    assert 'FIELD_REMOVED "Field Query.caseCount was removed."' in err
    assert "破坏性变更未登记" in err and "breaking change(s) against baseline.graphql" in err
    assert "@deprecated" in err
    assert 'description: "Field Query.caseCount was removed."' in err


def test_a_removed_field_listed_in_the_changelog_passes(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    # given an entry with the change, its reason and its date
    changelog = ('changes:\n  - change: FIELD_REMOVED\n    description: "Field Query.caseCount was removed."\n'
                 "    reason: 前端改用 cases 的长度 / front ends count cases instead\n    date: 2026-01-15\n")
    # when the field is removed, then the check passes and shows the listed change
    assert check(tmp_path, GIVEN.replace("caseCount: Int!", ""), changelog) == 0
    assert 'FIELD_REMOVED "Field Query.caseCount was removed."' in capsys.readouterr().out


def test_an_entry_for_another_change_does_not_excuse_this_one(tmp_path: Path) -> None:
    changelog = ('changes:\n  - change: FIELD_REMOVED\n    description: "Field Query.cases was removed."\n'
                 "    reason: 别的 / another\n    date: 2026-01-15\n")
    assert check(tmp_path, GIVEN.replace("caseCount: Int!", ""), changelog) == 1


def test_deprecating_a_field_or_an_enum_value_is_not_a_change(tmp_path: Path) -> None:
    # when a field and an enum value are marked @deprecated
    new = (GIVEN.replace("caseCount: Int!", 'caseCount: Int! @deprecated(reason: "count cases")')
           .replace("CLOSED", 'CLOSED @deprecated(reason: "use OPEN")'))
    # then graphql-core finds nothing to report and the check passes
    assert compare(GIVEN, new) == ()
    assert check(tmp_path, new) == 0


def test_a_retyped_argument_is_caught(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert check(tmp_path, GIVEN.replace("first: Int", "first: String")) == 1
    assert 'ARG_CHANGED_KIND "Argument Query.cases(first:) has changed type from Int to String."' in (
        capsys.readouterr().err)


def test_a_removed_enum_value_is_caught(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert check(tmp_path, GIVEN.replace("OPEN CLOSED", "OPEN")) == 1
    assert 'VALUE_REMOVED_FROM_ENUM "Enum value CaseStatus.CLOSED was removed."' in capsys.readouterr().err


def test_dangerous_changes_are_warnings_that_do_not_fail(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    # when an enum value and an optional argument are added
    assert check(tmp_path, GIVEN.replace("OPEN CLOSED", "OPEN CLOSED REFERRED").replace(
        "first: Int", "first: Int, after: String")) == 0
    # then both are printed as warnings
    out = capsys.readouterr().out
    assert "warning: dangerous changes" in out
    assert 'VALUE_ADDED_TO_ENUM "Enum value CaseStatus.REFERRED was added."' in out
    assert 'OPTIONAL_ARG_ADDED "An optional argument Query.cases(after:) was added."' in out


def test_a_listed_dangerous_change_is_no_longer_a_warning(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    changelog = ('changes:\n  - change: VALUE_ADDED_TO_ENUM\n    description: "Enum value CaseStatus.REFERRED was '
                 'added."\n    reason: 转介 / referrals\n    date: 2026-01-15\n')
    assert check(tmp_path, GIVEN.replace("OPEN CLOSED", "OPEN CLOSED REFERRED"), changelog) == 0
    assert "warning" not in capsys.readouterr().out


@pytest.mark.parametrize("entry", [
    '  - change: FIELD_REMOVED\n    description: "Field Query.caseCount was removed."\n    date: 2026-01-15\n',
    '  - change: FIELD_GONE\n    description: "x"\n    reason: r\n    date: 2026-01-15\n',
    '  - change: FIELD_REMOVED\n    description: "x"\n    reason: " "\n    date: 2026-01-15\n',
    '  - change: FIELD_REMOVED\n    description: "x"\n    reason: r\n    date: soon\n',
], ids=["no reason", "unknown type", "blank reason", "no date"])
def test_a_malformed_changelog_entry_is_refused(tmp_path: Path, entry: str,
                                                capsys: pytest.CaptureFixture[str]) -> None:
    with pytest.raises(ChangelogError):
        load_changelog(Path(sdl(tmp_path, "c.yaml", "changes:\n" + entry)))
    assert check(tmp_path, GIVEN, "changes:\n" + entry) == 1
    assert "cannot be read" in capsys.readouterr().err
