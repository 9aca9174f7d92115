"""Why an uploaded file is refused whole (a row's problems are listed, not raised: see `shared.imports.roster`)."""

from __future__ import annotations

from shared.contracts.errors import DomainError, Message


class ImportFileRefused(DomainError):
    """The file cannot be read as a roster: too large, not XLSX or CSV, too many rows, headers missing."""

    code = "import_file_refused"

    def __init__(self, zh: str, en: str) -> None:
        super().__init__(Message(zh=f"导入文件被拒绝：{zh}", en=f"The import file is refused: {en}"), field="file")


class UnknownImportKind(DomainError):
    code = "unknown_import_kind"

    def __init__(self, kind: str, known: list[str]) -> None:
        super().__init__(Message(zh=f"没有“{kind}”这种导入，可以导入：{'、'.join(known)}",
                                 en=f"No import of kind {kind!r}; the kinds are: {', '.join(known)}"), field="kind")


class ImportHasProblems(DomainError):
    code = "import_has_problems"

    def __init__(self, rows: int) -> None:
        super().__init__(Message(zh=f"有 {rows} 行存在问题，“全部或不导入”模式下不导入任何一行：请先预览并改正，"
                                    "或改用逐行导入",
                                 en=f"{rows} rows have problems, and all-or-nothing imports none: preview and correct"
                                    " them, or import row by row"), field="file")


class ImportFileChanged(DomainError):
    code = "import_file_changed"

    def __init__(self, import_id: str) -> None:
        super().__init__(Message(zh=f"继续导入 {import_id} 须上传同一个文件（文件内容已变）",
                                 en=f"Resuming import {import_id} needs the very same file (this one differs)"),
                         field="file")
