"""The allow-list's manifest: a JSON file of the operations a production front end may run.

Two shapes are read. Apollo's (`npx generate-persisted-query-manifest` writes it)::

    {"format": "apollo-persisted-query-manifest", "version": 1,
     "operations": [{"id": "<sha256>", "name": "Me", "type": "query", "body": "query Me { me { name } }"}]}

and Relay's, or any flat map of id to document: `{"<id>": "query Me { me { name } }"}`. Either way an operation is
found by the sha256 of its text, which is what Apollo clients send as `sha256Hash`.

`python -m gateway.persisted a.graphql b.graphql > manifest.json` writes Apollo's shape for documents kept in
files, one operation per file, its text exactly as in the file (what a client that sends the file's text hashes;
Apollo Client hashes its own printing of the document, so for it use Apollo's generator)."""

from __future__ import annotations

import json
from collections.abc import Sequence
from pathlib import Path

from graphql import OperationDefinitionNode, parse

from gateway.persisted.queries import sha256

MAX_MANIFEST_BYTES = 64 * 1024 * 1024
"""A manifest larger than this is refused unread: it is not one front end's operations."""


def _refused(zh: str, en: str) -> ValueError:
    return ValueError(f"{zh} / {en}")


def load_manifest(path: str, max_chars: int) -> dict[str, str]:
    """id → document of the manifest at `path`; a file that is missing, too large, of another shape, or with a
    document over `max_chars` (which could never run) stops the gateway from starting, saying why."""
    file = Path(path)
    if not file.is_file():
        raise _refused(f"找不到持久化查询清单 {path}", f"The persisted-query manifest {path} does not exist")
    if file.stat().st_size > MAX_MANIFEST_BYTES:
        raise _refused(f"持久化查询清单 {path} 超过 {MAX_MANIFEST_BYTES} 字节",
                       f"The persisted-query manifest {path} is over {MAX_MANIFEST_BYTES} bytes")
    try:
        data = json.loads(file.read_text(encoding="utf-8"))
    except (UnicodeDecodeError, json.JSONDecodeError) as error:
        raise _refused(f"持久化查询清单 {path} 不是有效的 JSON 文件",
                       f"The persisted-query manifest {path} is not JSON: {error}") from error
    if isinstance(data, dict) and isinstance(data.get("operations"), list):
        entries = [(o.get("id"), o.get("body")) if isinstance(o, dict) else (None, None) for o in data["operations"]]
    elif isinstance(data, dict):
        entries = list(data.items())
    else:
        entries = [(None, None)]
    manifest: dict[str, str] = {}
    for key, document in entries:
        if not isinstance(key, str) or not isinstance(document, str):
            raise _refused(f"持久化查询清单 {path} 的每一项都应有字符串 id 和查询文本",
                           f"Every entry of the persisted-query manifest {path} needs a string id and document")
        if len(document) > max_chars:
            raise _refused(f"持久化查询清单 {path} 中 {key} 的查询文本超过 {max_chars} 个字符，永远不会执行",
                           f"The document {key} of {path} is over {max_chars} characters and could never run")
        manifest[key] = document
    return manifest


def manifest_of(files: Sequence[str]) -> dict[str, object]:
    """Apollo's manifest shape for the documents in `files`, one operation each."""
    operations = []
    for name in files:
        body = Path(name).read_text(encoding="utf-8")
        operation = next((d for d in parse(body).definitions if isinstance(d, OperationDefinitionNode)), None)
        if operation is None:
            raise SystemExit(f"{name}: 没有操作 / no operation in it")
        operations.append({"id": sha256(body), "name": operation.name.value if operation.name else Path(name).stem,
                           "type": operation.operation.value, "body": body})
    return {"format": "apollo-persisted-query-manifest", "version": 1, "operations": operations}
