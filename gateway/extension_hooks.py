"""Strawberry's schema extensions run as before, without working out again on every request how to call them.

For each of a request's four stages (operation, parsing, validation, execution) Strawberry looks at every
extension to see whether it has a hook there and, when the hook is a generator, makes a context manager of it by
decorating it with `contextlib.contextmanager` anew: 40 looks and 11 decorations (each a `functools.wraps`) per
request, about a tenth of the gateway's own time on a mutation. Here what each extension class has at each stage
is found once per class, and a generator hook is entered through the very context manager class
`contextlib.contextmanager` makes (`_GeneratorContextManager`), so a hook runs, sees errors and cleans up exactly
as it did; the hooks still run in the same order on the same per-request extension instances. Any other kind of
hook (async, or a plain function) is left to Strawberry's own code."""

from __future__ import annotations

import inspect
from contextlib import _GeneratorContextManager
from functools import lru_cache, partial
from typing import Any

from strawberry.extensions import SchemaExtension
from strawberry.extensions.context import (
    ExecutingContextManager,
    OperationContextManager,
    ParsingContextManager,
    ValidationContextManager,
    WrappedHook,
)
from strawberry.extensions.runner import SchemaExtensionsRunner


@lru_cache(maxsize=256)
def _generator_hook(kind: type[SchemaExtension], hook_name: str) -> Any:
    """The class's hook at that stage when it is a generator function of its own (else None: no hook, or one
    Strawberry's code handles)."""
    hook = getattr(kind, hook_name)
    if hook is getattr(SchemaExtension, hook_name) or not inspect.isgeneratorfunction(hook):
        return None
    return hook


@lru_cache(maxsize=256)
def _has_hook(kind: type[SchemaExtension], hook_name: str) -> bool:
    return getattr(kind, hook_name) is not getattr(SchemaExtension, hook_name)


class _KnownHooks:
    """`get_hook` of Strawberry's stage context managers, with what a class has looked up once."""

    __slots__ = ()
    HOOK_NAME: str

    def get_hook(self, extension: SchemaExtension) -> WrappedHook | None:
        kind = type(extension)
        if not _has_hook(kind, self.HOOK_NAME):
            return None
        hook = _generator_hook(kind, self.HOOK_NAME)
        if hook is None:
            return super().get_hook(extension)  # type: ignore[misc]  # async or plain hooks: Strawberry's way
        # what contextlib.contextmanager(MethodType(hook, extension))() makes, without decorating it first
        return WrappedHook(extension=extension, hook=partial(_GeneratorContextManager, hook, (extension,), {}),
                           is_async=False)


class _Operation(_KnownHooks, OperationContextManager):
    __slots__ = ()


class _Validation(_KnownHooks, ValidationContextManager):
    __slots__ = ()


class _Parsing(_KnownHooks, ParsingContextManager):
    __slots__ = ()


class _Executing(_KnownHooks, ExecutingContextManager):
    __slots__ = ()


class KnownHooksRunner(SchemaExtensionsRunner):
    """Strawberry's runner of a request's extensions, its stages built with the hooks looked up once per class."""

    def operation(self) -> OperationContextManager:
        return _Operation(self.extensions)

    def validation(self) -> ValidationContextManager:
        return _Validation(self.extensions)

    def parsing(self) -> ParsingContextManager:
        return _Parsing(self.extensions)

    def executing(self) -> ExecutingContextManager:
        return _Executing(self.extensions)
