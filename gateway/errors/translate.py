"""Every error of a result given a code and both languages: validation errors as their rule reports them,
then, after the operation, parse errors, variable coercion and the limits' refusals (which graphql-core and
strawberry write in English only)."""

from __future__ import annotations

import re
from collections.abc import Iterator
from functools import cache
from typing import Any

from graphql import GraphQLError, ValidationContext
from graphql.validation import ASTValidationRule
from strawberry.extensions import SchemaExtension

from gateway.errors.validation import SCALAR, TEMPLATES, q, suggestions_zh, translated_validation
from gateway.guards import hides_schema, is_unexpected
from gateway.refusals import recoded

TOKENS = re.compile(r"Document contains more than (\d+) tokens")
DEPTH = re.compile(r"'([^']*)' exceeds maximum operation depth of (\d+)")
ALIASES = re.compile(r"(\d+) aliases found. Allowed: (\d+)")
VARIABLE = re.compile(r"^Variable '\$([^']*)'")
ENUM = re.compile(r"Value '([^']*)' does not exist in '([^']*)' enum")
REQUIRED = re.compile(r"Expected a value of non-null type '([^']*)' to be provided")
AT = re.compile(r" at '?\.?([\w.\[\]]+)'?[:;]")


class _Reporting:
    """A validation context that codes and translates what one rule reports, and passes the rest through."""

    def __init__(self, context: ValidationContext, rule: str, suggest: bool) -> None:
        self._context = context
        self._rule = rule
        self._suggest = suggest

    def report_error(self, error: GraphQLError) -> None:
        code, zh, en = translated_validation(self._rule, error.message, suggest=self._suggest)
        self._context.report_error(recoded(error, code, zh, en))

    def __getattr__(self, name: str) -> Any:
        return getattr(self._context, name)


def _bilingual(rule: type[ASTValidationRule], suggest: bool) -> type[ASTValidationRule]:
    name = rule.__name__
    if name not in TEMPLATES and name != "ValuesOfCorrectTypeRule":
        return rule
    return _translating(rule, suggest)


@cache  # graphql-core's rules, twice each at most: one class each, not one per request
def _translating(rule: type[ASTValidationRule], suggest: bool) -> type[ASTValidationRule]:
    name = rule.__name__

    def __init__(self: ASTValidationRule, context: ValidationContext) -> None:
        rule.__init__(self, _Reporting(context, name, suggest))  # type: ignore[arg-type]

    return type(name, (rule,), {"__init__": __init__})


def coded(error: GraphQLError, *, suggest: bool) -> GraphQLError:
    """The error with a code and both languages, as it is when it has a code already (or is unexpected: those
    are masked as `internal`)."""
    if (error.extensions or {}).get("code") or is_unexpected(error):
        return error
    message = error.message
    place = f"（第 {error.locations[0].line} 行第 {error.locations[0].column} 列）" if error.locations else ""
    if found := TOKENS.search(message):
        limit = int(found.group(1))
        return recoded(error, "too_many_tokens", f"查询文档的词法单元超过 {limit} 个，请精简查询",
                       f"The document has over {limit} tokens; make the query smaller", limit=limit)
    if message.startswith("Syntax Error:"):
        return recoded(error, "syntax_error", f"查询语法错误{place}，无法解析", message)
    if found := DEPTH.search(message):
        limit = int(found.group(2))
        return recoded(error, "query_too_deep", f"查询嵌套过深，上限为 {limit} 层",
                       f"The operation is nested deeper than {limit} levels", limit=limit)
    if found := ALIASES.search(message):
        count, limit = int(found.group(1)), int(found.group(2))
        return recoded(error, "too_many_aliases", f"查询中有 {count} 个别名，上限为 {limit} 个",
                       f"The query has {count} aliases, over the limit of {limit}", count=count, limit=limit)
    if error.path is None and (found := VARIABLE.search(message)):
        return _variable(error, found.group(1), suggest)
    bare, hint = suggestions_zh(message)
    return recoded(error, "invalid_query", "查询无法执行" + place + (hint if suggest else ""),
                   message if suggest else bare)


def _variable(error: GraphQLError, name: str, suggest: bool) -> GraphQLError:
    message = error.message
    at = AT.search(message)
    where = f"变量{q('$' + name)}" + (f"的{q(at.group(1))}" if at else "")
    bare, hint = suggestions_zh(message)
    if enum := ENUM.search(message):
        return recoded(error, "unknown_enum_value", f"{where}：{q(enum.group(1))}不是枚举{q(enum.group(2))}的取值之一"
                       + (hint if suggest else ""), message if suggest else bare, variable=name)
    required = REQUIRED.search(message)
    scalar = SCALAR.search(message)
    if "was not provided" in message or required:
        zh = f"缺少必填变量{q('$' + name)}" + (f"（类型为{q(required.group(1))}）" if required else "")
    elif "must not be null" in message:
        zh = f"变量{q('$' + name)}不能为空值"
    elif scalar:
        zh = f"{where}的值不符合类型{q(scalar.group(1))}"
    else:
        zh = f"{where}的值不正确"
    return recoded(error, "invalid_variables", zh + (hint if suggest else ""), message if suggest else bare,
                   variable=name)


class BilingualErrors(SchemaExtension):
    """Codes and translates every error of a result; in production, an anonymous caller is given no
    suggestions (they would tell what the schema holds)."""

    def on_validate(self) -> Iterator[None]:
        context = self.execution_context
        suggest = not hides_schema(context.context)
        context.validation_rules = tuple(_bilingual(rule, suggest) for rule in context.validation_rules)
        yield

    def on_operation(self) -> Iterator[None]:
        yield
        result = self.execution_context.result
        if result is not None and result.errors:
            suggest = not hides_schema(self.execution_context.context)
            result.errors = [coded(error, suggest=suggest) for error in result.errors]
