"""graphql-core's validation messages in Chinese, chosen by the rule that reported them: each rule's English
message is matched for the names it holds, which the Chinese template quotes as they are (identifiers)."""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass

SUGGESTIONS = re.compile(r"\s*Did you mean (.*)\?\s*$", re.DOTALL)
"""graphql-core ends a message with its suggestions: they reveal the schema, so production hides them."""
NAME = re.compile(r"'([^']*)'")
SCALAR = re.compile(r"\b(\w+) cannot represent")
"""A scalar's own refusal of a value: 'Int cannot represent non-integer value: "ten"'."""


@dataclass(frozen=True)
class Template:
    code: str
    zh: Callable[[list[str]], str]


def q(name: str) -> str:
    return f"“{name}”"


def _first(names: list[str], default: str = "") -> str:
    return names[0] if names else default


INVALID = "invalid_query"
TEMPLATES: dict[str, Template] = {
    "ExecutableDefinitionsRule": Template(INVALID, lambda n: "文档中只能有查询、变更、订阅和片段的定义"),
    "FieldsOnCorrectTypeRule": Template(INVALID, lambda n: f"类型{q(n[1])}上没有字段{q(n[0])}"),
    "FragmentsOnCompositeTypesRule": Template(INVALID, lambda n: f"片段不能以非复合类型{q(n[-1])}为条件"),
    "KnownArgumentNamesRule": Template(INVALID, lambda n: f"{q(n[1])}没有参数{q(n[0])}"),
    "KnownDirectivesRule": Template(INVALID, lambda n: f"指令{q(n[0])}不存在或不能用在此处"),
    "KnownFragmentNamesRule": Template(INVALID, lambda n: f"片段{q(n[0])}不存在"),
    "KnownTypeNamesRule": Template(INVALID, lambda n: f"类型{q(n[0])}不存在"),
    "KnownOperationTypesRule": Template(INVALID, lambda n: "本服务不支持这种操作"),
    "LoneAnonymousOperationRule": Template(INVALID, lambda n: "匿名操作必须是文档中唯一的操作"),
    "NoFragmentCyclesRule": Template(INVALID, lambda n: f"片段{q(n[0])}不能展开它自身"),
    "NoUndefinedVariablesRule": Template(INVALID, lambda n: f"变量{q(n[0])}未在操作中声明"),
    "NoUnusedFragmentsRule": Template(INVALID, lambda n: f"片段{q(n[0])}未被使用"),
    "NoUnusedVariablesRule": Template(INVALID, lambda n: f"变量{q(n[0])}已声明但未被使用"),
    "OverlappingFieldsCanBeMergedRule": Template(
        INVALID, lambda n: f"字段{q(n[0])}的几处选择相互冲突，请用不同的别名分别查询"),
    "PossibleFragmentSpreadsRule": Template(
        INVALID, lambda n: f"片段不能在此展开：类型{q(n[-2])}的对象不可能是类型{q(n[-1])}"),
    "ProvidedRequiredArgumentsRule": Template(
        INVALID, lambda n: f"缺少必填参数{q(n[0])}（类型为{q(n[1])}）"),
    "ScalarLeafsRule": Template(INVALID, lambda n: f"字段{q(n[0])}（类型为{q(n[1])}）的子字段选择不正确："
                                                   "标量字段不能选择子字段，对象字段须至少选择一个子字段"),
    "SingleFieldSubscriptionsRule": Template(INVALID, lambda n: "订阅只能选择一个顶层字段"),
    "UniqueArgumentNamesRule": Template(INVALID, lambda n: f"参数{q(n[0])}只能出现一次"),
    "UniqueDirectivesPerLocationRule": Template(INVALID, lambda n: f"指令{q(n[0])}在此处只能使用一次"),
    "UniqueFragmentNamesRule": Template(INVALID, lambda n: f"片段名{q(n[0])}重复"),
    "UniqueInputFieldNamesRule": Template(INVALID, lambda n: f"输入字段{q(n[0])}只能出现一次"),
    "UniqueOperationNamesRule": Template(INVALID, lambda n: f"操作名{q(n[0])}重复"),
    "UniqueVariableNamesRule": Template(INVALID, lambda n: f"变量{q(n[0])}只能声明一次"),
    "VariablesAreInputTypesRule": Template(INVALID, lambda n: f"变量{q(n[0])}的类型{q(n[1])}不是输入类型"),
    "VariablesInAllowedPositionRule": Template(
        INVALID, lambda n: f"变量{q(n[0])}的类型{q(n[1])}不能用在需要类型{q(_first(n[2:], '?'))}的位置"),
    "DeferStreamDirectiveLabel": Template(INVALID, lambda n: "延迟或流式指令的标签须是唯一的静态字符串"),
    "DeferStreamDirectiveOnRootField": Template(INVALID, lambda n: "延迟或流式指令不能用在根字段上"),
    "DeferStreamDirectiveOnValidOperationsRule": Template(INVALID, lambda n: "订阅中不能使用延迟或流式指令"),
    "StreamDirectiveOnListField": Template(INVALID, lambda n: "流式指令只能用在列表字段上"),
    "NoSchemaIntrospectionCustomRule": Template(
        "introspection_disabled", lambda n: "生产环境中未登录的调用方不能查询接口结构（内省），请先登录"),
    "MaxIntrospectionDepthRule": Template("query_too_deep", lambda n: "内省查询嵌套过深"),
}
"""Each of graphql-core's rules that can refuse an executable document, by its class name."""


def value_zh(message: str, names: list[str]) -> tuple[str, str]:
    """ValuesOfCorrectTypeRule's messages (a literal of the wrong type, or not one of an enum's values)."""
    enum = re.search(r"Value '([^']*)' does not exist in '([^']*)' enum", message)
    if enum:
        return "unknown_enum_value", f"{q(enum.group(1))}不是枚举{q(enum.group(2))}的取值之一"
    if "cannot represent non-enum value" in message:
        return "unknown_enum_value", f"枚举{q(_first(names))}的值须是其取值之一，不能加引号"
    missing = re.search(r"Field '([^']*)' of required type '([^']*)' was not provided", message)
    if missing:
        return "invalid_value", f"缺少必填的输入字段{q(missing.group(1))}（类型为{q(missing.group(2))}）"
    unknown = re.search(r"Field '([^']*)' is not defined by type '([^']*)'", message)
    if unknown:
        return "invalid_value", f"输入类型{q(unknown.group(2))}没有字段{q(unknown.group(1))}"
    expected = re.search(r"Expected value of type '([^']*)'", message) or SCALAR.search(message)
    if expected:
        return "invalid_value", f"值不符合类型{q(expected.group(1))}"
    return "invalid_value", "参数值不正确"


def suggestions_zh(message: str) -> tuple[str, str]:
    """The message without its suggestions, and the suggestions in Chinese ('' when there are none)."""
    found = SUGGESTIONS.search(message)
    if found is None:
        return message, ""
    names = NAME.findall(found.group(1))
    return message[:found.start()], ("，是否想用：" + "、".join(q(n) for n in names)) if names else ""


def translated_validation(rule: str, message: str, *, suggest: bool) -> tuple[str, str, str]:
    """(code, zh, en) for what `rule` reported as `message`; `suggest` False drops the suggestions from both."""
    bare, hint = suggestions_zh(message)
    names = NAME.findall(bare)
    if rule == "ValuesOfCorrectTypeRule":
        code, zh = value_zh(bare, names)
    elif rule in TEMPLATES:
        template = TEMPLATES[rule]
        try:
            code, zh = template.code, template.zh(names)
        except IndexError:  # a message of another shape than this graphql-core's
            code, zh = template.code, "查询未通过校验"
    else:
        code, zh = INVALID, "查询未通过校验"
    return code, zh + (hint if suggest else ""), message if suggest else bare
