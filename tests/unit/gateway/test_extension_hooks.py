"""The gateway's runner of schema extensions (gateway/extension_hooks) runs the same hooks as Strawberry's, in the
same order, and a generator hook still sees what happened in its stage and cleans up."""

from __future__ import annotations

from collections.abc import AsyncIterator, Iterator
from typing import ClassVar

import pytest
from strawberry.extensions import SchemaExtension
from strawberry.extensions.runner import SchemaExtensionsRunner

from gateway.extension_hooks import KnownHooksRunner
from gateway.schema import schema

pytestmark = pytest.mark.dateless

STAGES = ("operation", "parsing", "validation", "executing")


def test_every_stage_has_the_hooks_strawberry_finds_in_the_same_order() -> None:
    extensions = schema.get_extensions()
    for stage in STAGES:
        ours = getattr(KnownHooksRunner(execution_context=None, extensions=extensions), stage)()  # type: ignore[arg-type]
        theirs = getattr(SchemaExtensionsRunner(execution_context=None, extensions=extensions), stage)()  # type: ignore[arg-type]
        assert [h.extension for h in ours.hooks] == [h.extension for h in theirs.hooks]
        assert [h.is_async for h in ours.hooks] == [h.is_async for h in theirs.hooks]
    assert len(KnownHooksRunner(execution_context=None, extensions=extensions).operation().hooks) >= 5  # type: ignore[arg-type]


class Recording(SchemaExtension):
    seen: ClassVar[list[str]] = []

    def on_operation(self) -> Iterator[None]:
        self.seen.append("enter")
        try:
            yield
        except ValueError as error:
            self.seen.append(f"saw {error}")
            raise
        finally:
            self.seen.append("exit")


class AsyncAndPlain(SchemaExtension):
    seen: ClassVar[list[str]] = []

    async def on_operation(self) -> AsyncIterator[None]:  # type: ignore[override]
        self.seen.append("async enter")
        try:
            yield
        finally:
            self.seen.append("async exit")

    def on_execute(self) -> None:  # type: ignore[override]
        self.seen.append("plain")


async def test_generator_hooks_see_the_stage_s_error_and_other_kinds_run_as_strawberry_runs_them() -> None:
    Recording.seen, AsyncAndPlain.seen = [], []
    runner = KnownHooksRunner(execution_context=None, extensions=[Recording(), AsyncAndPlain()])  # type: ignore[arg-type]
    with pytest.raises(ValueError, match="boom"):
        async with runner.operation():
            raise ValueError("boom")
    async with runner.executing():
        pass
    assert Recording.seen == ["enter", "saw boom", "exit"]
    assert AsyncAndPlain.seen == ["async enter", "async exit", "plain"]
