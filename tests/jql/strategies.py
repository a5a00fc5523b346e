"""Hypothesis strategies that build every kind of JQL syntax tree."""

from __future__ import annotations

from typing import Literal

from hypothesis import strategies as st

from server.jql import (
    And,
    Clause,
    CustomField,
    Empty,
    EntityProperty,
    Field,
    FieldName,
    Function,
    HistoryPredicate,
    ListOperand,
    Not,
    Operand,
    Operator,
    Or,
    OrderField,
    PredicateKind,
    Query,
    SortDirection,
    Terminal,
    Value,
)

# Any text a value may hold: every code point except NUL (refused) and lone surrogates.
_SURROGATES: tuple[Literal["Cs"]] = ("Cs",)
texts = st.text(
    st.characters(exclude_categories=_SURROGATES, exclude_characters="\x00"), max_size=12
)
names = texts.filter(lambda text: bool(text.strip()))
number_texts = st.integers(-(10**18), 10**18).map(str)

fields: st.SearchStrategy[Field] = st.one_of(
    names.map(FieldName),
    st.sampled_from(["status", "project", "Story Points", "1", "order", "user"]).map(FieldName),
    st.integers(0, 10**12).map(CustomField),
    st.builds(
        EntityProperty,
        st.one_of(names.map(FieldName), st.integers(0, 99).map(CustomField)),
        texts,
        st.one_of(st.just(""), texts.map(lambda text: "." + text)),
    ),
)
values = st.one_of(texts.map(Value), number_texts.map(lambda text: Value(text, is_number=True)))
functions = st.builds(
    Function, names, st.lists(st.one_of(texts, number_texts), max_size=3).map(tuple)
)
singles: st.SearchStrategy[Operand] = st.one_of(st.just(Empty()), values, functions)
operands: st.SearchStrategy[Operand] = st.recursive(
    singles,
    lambda inner: st.lists(inner, min_size=1, max_size=4).map(
        lambda items: ListOperand(tuple(items))
    ),
    max_leaves=6,
)
lists = st.lists(operands, min_size=1, max_size=4).map(lambda items: ListOperand(tuple(items)))


def _predicates(kinds: list[PredicateKind]) -> st.SearchStrategy[tuple[HistoryPredicate, ...]]:
    predicate = st.builds(HistoryPredicate, st.sampled_from(kinds), operands)
    return st.lists(predicate, max_size=3).map(tuple)


_WAS_KINDS = [PredicateKind.AFTER, PredicateKind.BEFORE, PredicateKind.ON, PredicateKind.DURING,
              PredicateKind.BY]  # fmt: skip


_NO_PREDICATES: st.SearchStrategy[tuple[HistoryPredicate, ...]] = st.just(())


def _terminal(
    operator: Operator,
    operand: st.SearchStrategy[Operand | None],
    predicates: st.SearchStrategy[tuple[HistoryPredicate, ...]] = _NO_PREDICATES,
) -> st.SearchStrategy[Terminal]:
    return st.builds(Terminal, fields, st.just(operator), operand, predicates)


terminals: st.SearchStrategy[Clause] = st.one_of(
    *(
        _terminal(op, singles)
        for op in (Operator.EQUALS, Operator.NOT_EQUALS, Operator.LIKE, Operator.NOT_LIKE)
    ),
    *(
        _terminal(op, st.one_of(values, functions))
        for op in (
            Operator.LESS_THAN,
            Operator.LESS_THAN_EQUALS,
            Operator.GREATER_THAN,
            Operator.GREATER_THAN_EQUALS,
        )
    ),
    *(_terminal(op, st.one_of(lists, functions)) for op in (Operator.IN, Operator.NOT_IN)),
    *(_terminal(op, st.just(Empty())) for op in (Operator.IS, Operator.IS_NOT)),
    *(_terminal(op, singles, _predicates(_WAS_KINDS)) for op in (Operator.WAS, Operator.WAS_NOT)),
    *(
        _terminal(op, st.one_of(lists, functions), _predicates(_WAS_KINDS))
        for op in (Operator.WAS_IN, Operator.WAS_NOT_IN)
    ),
    _terminal(Operator.CHANGED, st.none(), _predicates(list(PredicateKind))),
)


def _compound(inner: st.SearchStrategy[Clause]) -> st.SearchStrategy[Clause]:
    group = st.lists(inner, min_size=2, max_size=4).map(tuple)
    return st.one_of(group.map(And), group.map(Or), inner.map(Not))


clauses: st.SearchStrategy[Clause] = st.recursive(terminals, _compound, max_leaves=10)
order_fields = st.builds(OrderField, fields, st.one_of(st.none(), st.sampled_from(SortDirection)))
queries = st.builds(
    Query, st.one_of(st.none(), clauses), st.lists(order_fields, max_size=3).map(tuple)
)
