"""The golden corpus of event contracts: one frozen example and one JSON Schema snapshot per type and version.

`make contracts` (`python -m shared.contracts.corpus`) writes tests/contracts/events/<Type>/v<N>.json (the example
from shared/contracts/examples.py, as stored) and tests/contracts/schemas/<Type>/v<N>.json (the type's JSON Schema)
for every (type, version) pair that has none yet. It never overwrites one: a version, once frozen, is what events
written with it look like for ever. `incompatibilities` compares two schemas of one type (see docs/architecture.md,
"Changing a contract").
"""

from __future__ import annotations

import json
import sys
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from shared.contracts.examples import EXAMPLES
from shared.contracts.registry import EventType, decode_event, encode_event, event_class, registered_events

CORPUS = Path(__file__).parents[2] / "tests" / "contracts"
_ANNOTATIONS = {"title", "description", "default", "examples"}


def example_path(root: Path, type_name: str, version: int) -> Path:
    return root / "events" / type_name / f"v{version}.json"


def schema_path(root: Path, type_name: str, version: int) -> Path:
    return root / "schemas" / type_name / f"v{version}.json"


def dumps(data: Any) -> str:
    return json.dumps(data, ensure_ascii=False, indent=2, sort_keys=True) + "\n"


def frozen_versions(root: Path, type_name: str) -> list[int]:
    """The versions of a type that have a schema snapshot, oldest first."""
    folder = root / "schemas" / type_name
    return sorted(int(p.stem.removeprefix("v")) for p in folder.glob("v*.json")) if folder.is_dir() else []


def load(path: Path) -> Any:
    return json.loads(path.read_text())


def wanted_files() -> dict[tuple[str, int], tuple[str, str]]:
    """For every registered type at its current version: its example's and its schema's file text."""
    examples = {type(e).__name__: e for e in EXAMPLES}
    return {(r.type_name, r.schema_version): (dumps(encode_event(examples[r.type_name])), dumps(r.json_schema()))
            for r in registered_events()}


class Refused(Exception):
    """A frozen version's file would change; the corpus stays as it was."""

    def __init__(self, zh: str, en: str) -> None:
        super().__init__(f"{zh}\n{en}")
        self.zh, self.en = zh, en


def freeze(root: Path = CORPUS) -> list[Path]:
    """Write the files of every (type, version) pair that has none; refuse, writing nothing, if one would change."""
    writes: list[tuple[Path, str]] = []
    changed: list[str] = []
    schemas = {r.type_name: r.json_schema() for r in registered_events()}
    for (type_name, version), texts in wanted_files().items():
        frozen_schema = schema_path(root, type_name, version)
        if frozen_schema.exists():  # frozen: kept as it is; a compatible change since then needs nothing
            changed += [c.message() for c in incompatibilities(type_name, load(frozen_schema), schemas[type_name])]
        for path, text in zip((example_path(root, type_name, version), frozen_schema), texts, strict=True):
            if not path.exists():
                writes.append((path, text))
    if changed:
        names = "; ".join(changed)
        raise Refused(f"拒绝覆盖已冻结的契约版本（{names}）。已发布的版本永不改写；改变事件结构须提升 version"
                      "（@event(version=N+1)）并写升级函数（upcaster），再运行 make contracts。",
                      f"Refusing to overwrite a frozen contract version ({names}). A published version never"
                      " changes; to change an event's shape raise its version (@event(version=N+1)) and write an"
                      " upcaster, then run `make contracts`.")
    for path, text in writes:
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(text)
    return [p for p, _ in writes]


@dataclass(frozen=True)
class Change:
    """One incompatible difference between two schemas of a type."""

    type_name: str
    field: str
    what: str
    """removed | retyped | required_added | now_required | value_removed"""
    detail: str = ""

    def message(self) -> str:
        zh = {"removed": "字段被删除（或改名）", "retyped": "字段类型改变", "required_added": "新增必填字段且无默认值",
              "now_required": "字段由可选变为必填", "value_removed": "取值被删除"}[self.what]
        en = {"removed": "field removed (or renamed)", "retyped": "field retyped",
              "required_added": "new required field without a default", "now_required": "field became required",
              "value_removed": "enum value removed"}[self.what]
        detail = f" ({self.detail})" if self.detail else ""
        return f"{self.type_name}.{self.field}: {en}{detail} / {zh}"


def _shape(node: Any) -> Any:
    if isinstance(node, dict):
        return {k: _shape(v) for k, v in node.items() if k not in _ANNOTATIONS}
    if isinstance(node, list):
        return [_shape(v) for v in node]
    return node


def _resolver(schema: dict[str, Any]) -> Any:
    definitions = schema.get("$defs", {})

    def resolve(node: Any) -> Any:
        while isinstance(node, dict) and str(node.get("$ref", "")).startswith("#/$defs/"):
            node = definitions[node["$ref"].removeprefix("#/$defs/")]
        return node

    return resolve


def _summary(node: Any) -> str:
    return json.dumps(_shape(node), ensure_ascii=False, sort_keys=True)[:160]


def incompatibilities(type_name: str, old: dict[str, Any], new: dict[str, Any]) -> list[Change]:
    """What in `new` would fail events written under `old`: removed, renamed or retyped fields, new required ones.

    A new field with a default (not in `required`) and a new enum value are compatible.
    """
    old_resolve, new_resolve = _resolver(old), _resolver(new)
    changes: list[Change] = []

    def compare(a: Any, b: Any, path: str, depth: int = 0) -> None:
        a, b = old_resolve(a), new_resolve(b)
        if depth > 20 or _shape(_expand(a, old_resolve)) == _shape(_expand(b, new_resolve)):
            return
        if a.get("type") == "object" and b.get("type") == "object" and "properties" in a and "properties" in b:
            old_props, new_props = a["properties"], b["properties"]
            old_required, new_required = set(a.get("required", ())), set(b.get("required", ()))
            for name in old_props:
                where = f"{path}.{name}" if path else name
                if name not in new_props:
                    changes.append(Change(type_name, where, "removed"))
                    continue
                if name in new_required and name not in old_required:
                    changes.append(Change(type_name, where, "now_required"))
                compare(old_props[name], new_props[name], where, depth + 1)
            for name in new_props:
                if name not in old_props and name in new_required:
                    changes.append(Change(type_name, f"{path}.{name}" if path else name, "required_added"))
            return
        if a.get("type") == "array" and b.get("type") == "array" and "items" in a and "items" in b:
            compare(a["items"], b["items"], f"{path}[]", depth + 1)
            return
        if "enum" in a and "enum" in b and a.get("type") == b.get("type"):
            missing = [v for v in a["enum"] if v not in b["enum"]]
            if missing:
                changes.append(Change(type_name, path, "value_removed", ", ".join(map(str, missing))))
            return
        if "anyOf" in a and "anyOf" in b and len(a["anyOf"]) == len(b["anyOf"]):
            for x, y in zip(a["anyOf"], b["anyOf"], strict=True):
                compare(x, y, path, depth + 1)
            return
        changes.append(Change(type_name, path or "(payload)", "retyped",
                              f"{_summary(_expand(a, old_resolve))} → {_summary(_expand(b, new_resolve))}"))

    compare(old, new, "")
    return changes


def _expand(node: Any, resolve: Any, depth: int = 0) -> Any:
    node = resolve(node)
    if depth > 20:
        return node
    if isinstance(node, dict):
        return {k: _expand(v, resolve, depth + 1) for k, v in node.items() if k != "$defs"}
    if isinstance(node, list):
        return [_expand(v, resolve, depth + 1) for v in node]
    return node


def upcaster() -> Callable[[str, int, dict[str, Any]], dict[str, Any]] | None:
    """`shared.contracts.upcast(type_name, schema_version, data)` (today's version's data), or None without one.

    The hook through which the corpus decodes older versions and checks that a raised version has its upcaster.
    """
    import shared.contracts as contracts

    found: Callable[[str, int, dict[str, Any]], dict[str, Any]] | None = getattr(contracts, "upcast", None)
    return found


def decode_any(type_name: str, version: int, data: dict[str, Any]) -> Any:
    """Today's payload object for an event written at `version`: old versions go through the upcasters."""
    current = event_class(type_name).schema_version
    if version != current:
        upcast = upcaster()
        if upcast is None:
            raise LookupError(f"{type_name} v{version} is frozen but today's is v{current} and shared.contracts has"
                              " no upcasting / 没有升级函数")
        data = upcast(type_name, version, data)
    return decode_event(type_name, data)


Decode = Callable[[str, int, dict[str, Any]], Any]


def problems(root: Path = CORPUS, events: list[EventType] | None = None, decode: Decode | None = None) -> list[str]:
    """Why the registered contracts disagree with the corpus, one message each (empty when they agree)."""
    found: list[str] = []
    for registered in events if events is not None else registered_events():
        name, version = registered.type_name, registered.schema_version
        versions = frozen_versions(root, name)
        if version not in versions:
            found.append(f"{name} v{version} has no frozen schema: run `make contracts` and commit tests/contracts"
                         f" / {name} v{version} 尚无冻结的 schema：运行 make contracts 并提交")
        if versions and max(versions) > version:
            found.append(f"{name} is at v{version} but v{max(versions)} was frozen: a version never goes down"
                         f" / {name} 的版本不能回退")
        for older in (v for v in versions if v < version):  # raised: each older example must upcast and decode
            try:
                (decode or decode_any)(name, older, load(example_path(root, name, older)))
            except Exception as error:
                found.append(f"{name} v{older} does not upcast to v{version} ({error}): add an upcaster"
                             f" v{older}→v{older + 1} beside the contract"
                             f" / {name} v{older} 无法升级到 v{version}：请添加升级函数")
        if version in versions:
            snapshot = load(schema_path(root, name, version))
            for change in incompatibilities(name, snapshot, registered.json_schema()):
                found.append(f"{change.message()} — changed without raising the version; raise it to v{version + 1}"
                             f" and add an upcaster v{version}→v{version + 1} / 未提升版本即改变结构：请提升至"
                             f" v{version + 1} 并添加升级函数")
    return found


def main() -> None:
    try:
        added = freeze(CORPUS)
    except Refused as refused:
        print(refused.zh, file=sys.stderr)
        print(refused.en, file=sys.stderr)
        sys.exit(2)
    for path in added:
        print(f"added {path.relative_to(CORPUS.parents[1])}")
    if not added:
        print("nothing to add: every (type, version) is frozen / 每个类型与版本都已冻结")


if __name__ == "__main__":
    main()
