"""The cost limit: how many nodes a query may ask for, multiplying list sizes through nesting as GitHub's API
does with `first`, so that no one query can ask for 100 × 100 × 100 rows. Nothing runs when it is over."""

from __future__ import annotations

from collections.abc import Iterator, Mapping
from typing import Any

from graphql import (
    DocumentNode,
    FieldNode,
    FragmentDefinitionNode,
    FragmentSpreadNode,
    GraphQLField,
    GraphQLInterfaceType,
    GraphQLList,
    GraphQLObjectType,
    GraphQLSchema,
    InlineFragmentNode,
    IntValueNode,
    ListValueNode,
    OperationDefinitionNode,
    SelectionSetNode,
    VariableNode,
    get_named_type,
    get_nullable_type,
)
from graphql import ExecutionResult as GraphQLExecutionResult
from graphql.utilities import get_operation_ast, value_from_ast_untyped
from strawberry.extensions import SchemaExtension
from strawberry.types import ExecutionContext

from gateway.budget import charge
from gateway.document_cache import cached_document
from gateway.refusals import refusal

MAX_COST = 10_000
"""Nodes one query may ask for: a page of 100 with a nested page of 100 is the most (100 + 100 × 100 > it)."""
ASSUMED_LIST = 10
"""The size a plain list (no `first`, say a case's service plans) is counted at: its data bounds it, not the query."""
PAGE_ARGUMENTS = ("first", "last")
ID_LISTS = ("ids",)
"""A list asked for by ids (`nodes(ids:)`) holds a row per id given: counted so, not as ASSUMED_LIST."""
MAX_CHARGE = 2 * MAX_COST
"""The most a refused query is charged: its cost, but a `first: 2147483647` must not lock a caller out for days."""


def _page_size(field: GraphQLField, node: FieldNode, variables: Mapping[str, Any]) -> int | None:
    """The `first` (or `last`) a connection field is asked for, else its default; None if it takes neither."""
    for name in PAGE_ARGUMENTS:
        if name not in field.args:
            continue
        value: Any = field.args[name].default_value
        given = next((a.value for a in node.arguments or () if a.name.value == name), None)
        if isinstance(given, VariableNode):
            value = variables.get(given.name.value, value)
        elif isinstance(given, IntValueNode):
            value = value_from_ast_untyped(given)
        return max(value, 0) if isinstance(value, int) else 0
    for name in ID_LISTS:
        given = next((a.value for a in node.arguments or () if a.name.value == name), None)
        if isinstance(given, VariableNode):
            ids = variables.get(given.name.value)
            return len(ids) if isinstance(ids, list) else 1
        if isinstance(given, ListValueNode):
            return len(given.values)
    return None


class _Walk:
    """One operation's cost: the sum, over every list field, of the rows it may hold times its parents' rows."""

    def __init__(self, schema: GraphQLSchema, fragments: Mapping[str, FragmentDefinitionNode],
                 variables: Mapping[str, Any]) -> None:
        self.schema = schema
        self.fragments = fragments
        self.variables = variables

    def _fields(self, parent: Any, selections: SelectionSetNode, seen: frozenset[str]) -> Iterator[
            tuple[Any, FieldNode]]:
        for selection in selections.selections:
            if isinstance(selection, FieldNode):
                yield parent, selection
            elif isinstance(selection, InlineFragmentNode):
                condition = selection.type_condition
                yield from self._fields(self.schema.get_type(condition.name.value) if condition else parent,
                                        selection.selection_set, seen)
            elif isinstance(selection, FragmentSpreadNode) and selection.name.value not in seen:
                fragment = self.fragments.get(selection.name.value)
                if fragment is not None:
                    yield from self._fields(self.schema.get_type(fragment.type_condition.name.value),
                                            fragment.selection_set, seen | {selection.name.value})

    def cost(self, parent: Any, selections: SelectionSetNode, rows: int) -> int:
        total = 0
        for owner, node in self._fields(parent, selections, frozenset()):
            if node.selection_set is None or not isinstance(owner, (GraphQLObjectType, GraphQLInterfaceType)):
                continue  # a leaf, or __typename on a union
            field = owner.fields.get(node.name.value)
            if field is None:
                continue  # introspection: bounded by the depth limit
            size = _page_size(field, node, self.variables)
            if size is None and isinstance(get_nullable_type(field.type), GraphQLList) \
                    and not owner.name.endswith("Connection"):  # its edges are the `first` counted on it
                size = ASSUMED_LIST
            nested = rows * (size if size is not None else 1)
            if size is not None:
                total += nested
            total += self.cost(get_named_type(field.type), node.selection_set, nested)
        return total


class _Read(dict[str, Any]):
    """The variables, noting whether the walk read any (a cost that read none holds for any variables)."""

    read = False

    def get(self, key: str, default: Any = None) -> Any:
        self.read = True
        return super().get(key, default)


def _cost(schema: GraphQLSchema, document: DocumentNode, operation_name: str | None,
          variables: Mapping[str, Any] | None) -> tuple[int, bool]:
    """The operation's cost, and whether it read a variable to count it."""
    operation: OperationDefinitionNode | None = get_operation_ast(document, operation_name)
    if operation is None:
        return 0, False
    root = schema.get_root_type(operation.operation)
    fragments = {d.name.value: d for d in document.definitions if isinstance(d, FragmentDefinitionNode)}
    defaults = {d.variable.name.value: value_from_ast_untyped(d.default_value)
                for d in operation.variable_definitions or () if d.default_value is not None}
    read = _Read({**defaults, **(variables or {})})
    return _Walk(schema, fragments, read).cost(root, operation.selection_set, 1), read.read


def query_cost(schema: GraphQLSchema, document: DocumentNode, operation_name: str | None,
               variables: Mapping[str, Any] | None) -> int:
    """How many nodes the operation may ask for (0 when there is no such operation)."""
    return _cost(schema, document, operation_name, variables)[0]


def request_cost(context: ExecutionContext) -> int:
    """The request's cost; worked out once per document and operation the DocumentCache keeps when counting
    it read no variable (a `first: $n` is counted anew every time)."""
    document = context.graphql_document
    assert document is not None
    entry = cached_document(context)
    if entry is None or entry.document is not document:
        return query_cost(context.schema._schema, document, context.operation_name, context.variables)
    key = (_cost, context.operation_name)
    known: int | None = entry.derived.get(key)
    if known is not None:
        return known
    cost, read = _cost(context.schema._schema, document, context.operation_name, context.variables)
    if not read:
        entry.derived[key] = cost
    return cost


class CostLimit(SchemaExtension):
    """Refuses, before it executes, a valid operation that may ask for more than MAX_COST nodes; charges its
    cost (at most MAX_CHARGE) to the caller's budget, refused or not."""

    def on_execute(self) -> Iterator[None]:
        context = self.execution_context
        cost = request_cost(context)
        request = getattr(context.context, "request", None)
        if request is not None:
            charge(request.scope, min(cost, MAX_CHARGE))
        if cost > MAX_COST:
            # a result set before execution is answered as it is: no resolver runs
            context.result = GraphQLExecutionResult(data=None, errors=[refusal(
                "query_too_costly", f"查询可能返回 {cost} 条记录，超过上限 {MAX_COST}，请减小“first”或分开查询",
                f"The query may ask for {cost} nodes, over the limit of {MAX_COST}; ask for smaller pages "
                "or split it", cost=cost, limit=MAX_COST)])
        yield
