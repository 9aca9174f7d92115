"""graphql-core's and the limits' English errors, given a code and Chinese by gateway/errors; the media type and
status of an answer by gateway/http_spec."""

from __future__ import annotations

import pytest
from graphql import GraphQLError, Source

from gateway.errors.translate import coded
from gateway.errors.validation import translated_validation
from gateway.http_spec import GRAPHQL_RESPONSE, JSON, answered, preferred_media_type

pytestmark = pytest.mark.dateless  # its dates are data: what it checks holds on any day


def test_an_unknown_argument_is_named_in_chinese_with_its_field() -> None:
    code, zh, en = translated_validation("KnownArgumentNamesRule",
                                         "Unknown argument 'frist' on field 'Query.cases'. Did you mean 'first'?",
                                         suggest=True)

    assert (code, zh) == ("invalid_query", "“Query.cases”没有参数“frist”，是否想用：“first”")
    assert en.endswith("Did you mean 'first'?")


def test_without_suggestions_neither_language_names_what_the_schema_holds() -> None:
    code, zh, en = translated_validation("FieldsOnCorrectTypeRule",
                                         "Cannot query field 'stationz' on type 'Query'. Did you mean 'stations'?",
                                         suggest=False)

    assert (code, zh, en) == ("invalid_query", "类型“Query”上没有字段“stationz”",
                              "Cannot query field 'stationz' on type 'Query'.")


def test_a_literal_not_of_an_enum_is_an_unknown_enum_value() -> None:
    code, zh, _ = translated_validation("ValuesOfCorrectTypeRule",
                                        "Value 'HOMEVISIT' does not exist in 'SessionMode' enum.", suggest=True)

    assert (code, zh) == ("unknown_enum_value", "“HOMEVISIT”不是枚举“SessionMode”的取值之一")


def test_a_syntax_error_keeps_its_place_and_says_it_in_chinese() -> None:
    error = GraphQLError("Syntax Error: Expected Name, found <EOF>.", source=Source("{ a"), positions=[3])

    found = coded(error, suggest=True)

    assert found.extensions == {"code": "syntax_error", "messageZh": "查询语法错误（第 1 行第 4 列），无法解析",
                                "messageEn": "Syntax Error: Expected Name, found <EOF>."}
    assert found.locations == error.locations


@pytest.mark.parametrize(("message", "code", "zh"), [
    ("'anonymous' exceeds maximum operation depth of 10", "query_too_deep", "查询嵌套过深，上限为 10 层"),
    ("31 aliases found. Allowed: 30", "too_many_aliases", "查询中有 31 个别名，上限为 30 个"),
    ("Syntax Error: Document contains more than 2000 tokens. Parsing aborted.", "too_many_tokens",
     "查询文档的词法单元超过 2000 个，请精简查询"),
    ("Variable '$n' of required type 'Int!' was not provided.", "invalid_variables", "缺少必填变量“$n”"),
    ("Variable '$n' has invalid value: Expected a value of non-null type 'Int!' to be provided.",
     "invalid_variables", "缺少必填变量“$n”（类型为“Int!”）"),
    ("Variable '$n' has invalid value: Int cannot represent non-integer value: 'ten'", "invalid_variables",
     "变量“$n”的值不符合类型“Int”"),
    ("Variable '$input' got invalid value 'X' at 'input.mode'; Value 'X' does not exist in 'SessionMode' enum.",
     "unknown_enum_value", "变量“$input”的“input.mode”：“X”不是枚举“SessionMode”的取值之一"),
])
def test_each_limit_and_variable_error_answers_its_code(message: str, code: str, zh: str) -> None:
    found = coded(GraphQLError(message), suggest=True)

    assert (found.extensions or {})["code"] == code and (found.extensions or {})["messageZh"] == zh
    assert found.message == f"{zh} / {(found.extensions or {})['messageEn']}"


def test_an_error_with_a_code_is_left_as_it_is() -> None:
    error = GraphQLError("找不到 / Not found", extensions={"code": "not_found"})

    assert coded(error, suggest=True) is error


@pytest.mark.parametrize(("accept", "expected"), [
    (None, JSON), ("", JSON), ("*/*", JSON), ("text/html", JSON), (JSON, JSON), (GRAPHQL_RESPONSE, GRAPHQL_RESPONSE),
    (f"{GRAPHQL_RESPONSE}, {JSON};q=0.9", GRAPHQL_RESPONSE), (f"{JSON}, {GRAPHQL_RESPONSE};q=0.8", JSON),
    (f"{GRAPHQL_RESPONSE};q=0", JSON), (f"{GRAPHQL_RESPONSE};q=bad, {JSON}", JSON),
])
def test_the_preferred_media_type_is_read_from_accept(accept: str | None, expected: str) -> None:
    assert preferred_media_type(accept) == expected


def test_a_request_error_has_no_data_and_is_400_only_under_graphql_response_json() -> None:
    def body() -> dict[str, object]:
        return {"data": None, "errors": [{"message": "…", "extensions": {"code": "syntax_error"}}]}

    modern, legacy = body(), body()

    assert (answered(modern, GRAPHQL_RESPONSE), answered(legacy, JSON)) == (400, 200)
    assert "data" not in modern and "data" not in legacy


def test_a_bad_token_among_fields_that_answered_is_200() -> None:
    partial = {"data": {"me": None, "stations": [{"id": "s"}]},
               "errors": [{"message": "…", "extensions": {"code": "invalid_token"}}]}
    alone = {"data": {"me": None}, "errors": [{"message": "…", "extensions": {"code": "invalid_token"}}]}

    assert (answered(partial, GRAPHQL_RESPONSE), answered(alone, GRAPHQL_RESPONSE)) == (200, 401)
    assert "data" in partial and "data" not in alone
