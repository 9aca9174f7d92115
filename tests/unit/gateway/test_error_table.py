"""docs/errors.md's table holds every code the gateway can answer, found in the source rather than listed here:
the gateway's registry, every DomainError subclass's `code = "…"`, every `code="…"` given to one, and every code
the gateway's refusals are made with."""

from __future__ import annotations

import ast
import re
from pathlib import Path

import pytest
from graphql.validation import specified_rules

from gateway.errors.codes import GATEWAY_CODES
from gateway.errors.validation import TEMPLATES
from gateway.persisted.refusals import CODES as PERSISTED_CODES

pytestmark = pytest.mark.dateless  # its dates are data: what it checks holds on any day

ROOT = Path(__file__).parents[3]
SOURCES = ("services", "shared", "gateway")
ROW = re.compile(r"^\| `([A-Za-z_]+)` \|", re.MULTILINE)
REFUSALS = {"refusal": 0, "recoded": 1, "Template": 0}
"""The gateway's functions that make a coded error, and which argument is the code."""


def _trees() -> list[ast.Module]:
    return [ast.parse(path.read_text()) for root in SOURCES for path in sorted((ROOT / root).rglob("*.py"))]


def _name(node: ast.expr) -> str:
    return node.id if isinstance(node, ast.Name) else node.attr if isinstance(node, ast.Attribute) else ""


def _error_classes(trees: list[ast.Module]) -> set[str]:
    """DomainError and the names of its subclasses, however deep, by their bases' names."""
    bases = [(node.name, {_name(b) for b in node.bases}) for tree in trees for node in ast.walk(tree)
             if isinstance(node, ast.ClassDef)]  # a list: the gateway's GraphQL types reuse some of the names
    found = {"DomainError"}
    while grown := {name for name, of in bases if of & found} - found:
        found |= grown
    return found


def _literal(node: ast.expr | None) -> str | None:
    return node.value if isinstance(node, ast.Constant) and isinstance(node.value, str) else None


def source_codes() -> set[str]:
    trees = _trees()
    errors = _error_classes(trees)
    codes: set[str] = set()
    for tree in trees:
        for node in ast.walk(tree):
            if isinstance(node, ast.ClassDef) and node.name in errors:
                codes |= {code for stmt in node.body if isinstance(stmt, ast.Assign)
                          and any(_name(t) == "code" for t in stmt.targets) and (code := _literal(stmt.value))}
            elif isinstance(node, ast.Call) and _name(node.func) in errors:
                codes |= {code for k in node.keywords if k.arg == "code" and (code := _literal(k.value))}
            elif isinstance(node, ast.Call) and _name(node.func) in REFUSALS:
                at = REFUSALS[_name(node.func)]
                if len(node.args) > at and (code := _literal(node.args[at])):
                    codes.add(code)
    return codes


def documented() -> list[str]:
    return ROW.findall((ROOT / "docs" / "errors.md").read_text())


def test_every_code_the_source_can_answer_has_a_row_in_docs_errors_md() -> None:
    emitted = source_codes() | {code.name for code in GATEWAY_CODES} | set(PERSISTED_CODES)

    assert len(emitted) > 40
    assert sorted(emitted - set(documented())) == []


def test_the_table_lists_each_code_once_and_none_the_source_cannot_answer() -> None:
    rows = documented()

    assert len(rows) == len(set(rows))
    assert sorted(set(rows) - source_codes() - {code.name for code in GATEWAY_CODES}) == []


def test_every_code_the_gateways_refusals_are_made_with_is_in_its_registry() -> None:
    trees = [ast.parse(path.read_text()) for path in sorted((ROOT / "gateway").rglob("*.py"))]
    made = {code for tree in trees for node in ast.walk(tree) if isinstance(node, ast.Call)
            and _name(node.func) in REFUSALS and len(node.args) > REFUSALS[_name(node.func)]
            and (code := _literal(node.args[REFUSALS[_name(node.func)]]))}

    assert made and sorted(made - {code.name for code in GATEWAY_CODES} - {"internal"}) == []


def test_every_rule_graphql_core_checks_documents_with_has_a_chinese_template() -> None:
    untranslated = {rule.__name__ for rule in specified_rules} - set(TEMPLATES) - {"ValuesOfCorrectTypeRule"}

    assert sorted(untranslated) == []
