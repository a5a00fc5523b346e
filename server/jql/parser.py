"""The JQL parser: tokens -> Query, by recursive descent with hard caps on size and nesting.

Precedence follows Atlassian's grammars: NOT binds tightest, then AND, then OR
(`a OR b AND c` is `a OR (b AND c)`), whatever some documentation pages say.
"""

from __future__ import annotations

from typing import Final, NoReturn, TypeVar

from server.jql import tokens as t
from server.jql.ast import (
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
from server.jql.error_types import JqlError
from server.jql.lexer import Token, tokenize

MAX_DEPTH: Final = 64  # parentheses and NOTs; keeps every tree walk far from RecursionError
MAX_CLAUSES: Final = 1_000

_VALUE_KINDS: Final = frozenset({t.STRING, t.QUOTED, t.NUMBER})
_SIMPLE_OPERATORS: Final[dict[str, Operator]] = {
    t.EQ: Operator.EQUALS,
    t.NE: Operator.NOT_EQUALS,
    t.LIKE: Operator.LIKE,
    t.NOT_LIKE: Operator.NOT_LIKE,
    t.LT: Operator.LESS_THAN,
    t.LE: Operator.LESS_THAN_EQUALS,
    t.GT: Operator.GREATER_THAN,
    t.GE: Operator.GREATER_THAN_EQUALS,
}
_ORDERING: Final = frozenset({t.LT, t.LE, t.GT, t.GE})
_WAS_PREDICATES: Final = frozenset({t.AFTER, t.BEFORE, t.ON, t.DURING, t.BY})
_CHANGED_PREDICATES: Final = _WAS_PREDICATES | {t.FROM, t.TO}
_CLAUSE_END: Final = frozenset({t.EOF, t.RPAREN, t.ORDER})
_OPERATOR_KINDS: Final = frozenset(_SIMPLE_OPERATORS) | {t.IN, t.NOT, t.IS, t.WAS, t.CHANGED}
_ARGUMENT_HINT: Final = (
    'Function arguments are plain values, e.g. startOfDay("-1d"); nested JQL goes in quotes.'
)
_SMART_QUOTES: Final = "\u201c\u201d\u2018\u2019\u00ab\u00bb\u201e\u201a"
_SMART_QUOTE_HINT: Final = (
    "Use straight quotes \" or ' around values; typographic quotes are ordinary characters in JQL."
)


def parse(text: str) -> Query:
    """Parse JQL text into a Query; raise JqlError (only) if it is not valid JQL."""
    if not isinstance(text, str):
        raise JqlError(f"A JQL query must be text, not {type(text).__name__}")
    return _Parser(text, tokenize(text)).query()


def parse_located(text: str) -> tuple[Query, Locations]:
    """Parse like `parse`, and also say where each field, operator and operand was written."""
    if not isinstance(text, str):
        raise JqlError(f"A JQL query must be text, not {type(text).__name__}")
    locations = Locations()
    return _Parser(text, tokenize(text), locations).query(), locations


class Locations:
    """Where the nodes of one parsed query were written: (line, column), both 1-based.

    Fields and operands are found at their first character, a Terminal at its operator.
    Nodes are equal by value (two `Value("Done")` are equal), so they are told apart by
    identity; the nodes are kept here so that no identity is reused while this lives.
    """

    __slots__ = ("_at",)

    def __init__(self) -> None:
        self._at: dict[int, tuple[object, int, int]] = {}

    def record(self, node: object, token: Token) -> None:
        """Remember where `node` starts."""
        self._at[id(node)] = (node, token.line, token.column)

    def of(self, node: object) -> tuple[int, int]:
        """(line, column) of a node of this query; (1, 1) for one the parser did not build."""
        found = self._at.get(id(node))
        return (found[1], found[2]) if found is not None and found[0] is node else (1, 1)


_N = TypeVar("_N")


class _Parser:
    __slots__ = ("clauses", "locations", "pos", "text", "tokens")

    def __init__(self, text: str, tokens: list[Token], locations: Locations | None = None) -> None:
        self.text = text
        self.tokens = tokens
        self.pos = 0
        self.clauses = 0
        self.locations = locations

    # helpers ---------------------------------------------------------------------------------

    def at(self, node: _N, token: Token) -> _N:
        """`node`, remembered as written at `token` when locations are asked for."""
        if self.locations is not None:
            self.locations.record(node, token)
        return node

    def fail(self, token: Token, message: str, hint: str | None = None) -> NoReturn:
        raise JqlError(message, line=token.line, column=token.column, hint=hint, source=self.text)

    def describe(self, token: Token) -> str:
        if token.kind == t.EOF:
            return "the end of the query"
        return f"'{self.text[token.start : token.end]}'"

    def expect(self, kind: str, what: str, hint: str | None = None) -> Token:
        token = self.tokens[self.pos]
        if token.kind != kind:
            self.fail(token, f"Expected {what} but found {self.describe(token)}", hint)
        self.pos += 1
        return token

    def smart_quote_hint(self, token: Token) -> str | None:
        raw = self.text[token.start : token.end]
        return _SMART_QUOTE_HINT if any(ch in _SMART_QUOTES for ch in raw) else None

    # query and clauses -----------------------------------------------------------------------

    def query(self) -> Query:
        tokens = self.tokens
        where: Clause | None = None
        if tokens[self.pos].kind not in (t.EOF, t.ORDER):
            where = self.or_clause(0)
        order_by: tuple[OrderField, ...] = ()
        if tokens[self.pos].kind == t.ORDER:
            order_by = self.order_by()
        token = tokens[self.pos]
        if token.kind != t.EOF:
            self.fail_after_clause(token, in_parentheses=False, ordered=bool(order_by))
        return Query(where, order_by)

    def fail_after_clause(self, token: Token, *, in_parentheses: bool, ordered: bool) -> NoReturn:
        found = self.describe(token)
        if ordered:
            following = self.tokens[self.pos + 1].kind if token.kind != t.EOF else t.EOF
            if token.kind in (t.AND, t.OR, t.NOT, t.LPAREN) or following in _OPERATOR_KINDS:
                hint = (
                    "ORDER BY must come last: move every condition before it, "
                    "e.g. project = ABC AND status = Open ORDER BY created DESC."
                )
            else:
                hint = "Separate sort keys with commas: ORDER BY priority DESC, created ASC."
            self.fail(token, f"Unexpected {found} after ORDER BY", hint)
        if token.kind == t.RPAREN:
            self.fail(
                token,
                "Unbalanced parentheses: this ')' has no matching '('",
                "Remove the extra ')' or add the missing '('.",
            )
        if token.kind in _VALUE_KINDS:
            hint = self.smart_quote_hint(token) or (
                'A value with spaces must be quoted, e.g. status = "In Progress".'
            )
            self.fail(token, f"Expected AND, OR or ORDER BY but found {found}", hint)
        if token.kind in _OPERATOR_KINDS:
            self.fail(
                token,
                f"Unexpected operator {found}",
                "Write one operator per condition; JQL has no '==' (use '=').",
            )
        closing = "')'" if in_parentheses else "AND, OR or ORDER BY"
        self.fail(token, f"Expected {closing} but found {found}")

    def or_clause(self, depth: int) -> Clause:
        first = self.and_clause(depth)
        if self.tokens[self.pos].kind != t.OR:
            return first
        clauses = [first]
        while self.tokens[self.pos].kind == t.OR:
            self.pos += 1
            self.check_operand_follows("OR")
            clauses.append(self.and_clause(depth))
        return Or(tuple(clauses))

    def and_clause(self, depth: int) -> Clause:
        first = self.not_clause(depth)
        if self.tokens[self.pos].kind != t.AND:
            return first
        clauses = [first]
        while self.tokens[self.pos].kind == t.AND:
            self.pos += 1
            self.check_operand_follows("AND")
            clauses.append(self.not_clause(depth))
        return And(tuple(clauses))

    def check_operand_follows(self, word: str) -> None:
        token = self.tokens[self.pos]
        if token.kind in _CLAUSE_END:
            # Point at the dangling AND/OR itself: that is what the model has to remove.
            self.fail(
                self.tokens[self.pos - 1],
                f"Expected a condition after {word} but found {self.describe(token)}",
                f"Remove the trailing {word}, or add a condition after it.",
            )

    def not_clause(self, depth: int) -> Clause:
        tokens = self.tokens
        negations = 0
        while tokens[self.pos].kind == t.NOT:
            negations += 1
            self.pos += 1
        depth += negations
        token = tokens[self.pos]
        if depth > MAX_DEPTH:
            self.fail(
                token,
                f"The query nests deeper than {MAX_DEPTH} levels",
                "Flatten the parentheses and NOTs.",
            )
        clause: Clause
        if token.kind == t.LPAREN:
            self.pos += 1
            if depth + 1 > MAX_DEPTH:
                self.fail(
                    token,
                    f"The query nests deeper than {MAX_DEPTH} levels",
                    "Flatten the parentheses and NOTs.",
                )
            if tokens[self.pos].kind == t.RPAREN:
                self.fail(tokens[self.pos], "Empty parentheses: expected a condition")
            clause = self.or_clause(depth + 1)
            closing = tokens[self.pos]
            if closing.kind != t.RPAREN:
                self.fail_unclosed(token, closing)
            self.pos += 1
        else:
            clause = self.terminal()
        for _ in range(negations):
            clause = Not(clause)
        return clause

    def fail_unclosed(self, opening: Token, found: Token) -> NoReturn:
        if found.kind == t.EOF:
            self.fail(
                found,
                "Unbalanced parentheses: a '(' is never closed",
                f"Add the missing ')' for the '(' at line {opening.line}, column {opening.column}.",
            )
        if found.kind == t.ORDER:
            self.fail(
                found,
                "ORDER BY is not allowed inside parentheses",
                "Close the parentheses first; ORDER BY goes at the very end of the query.",
            )
        self.fail_after_clause(found, in_parentheses=True, ordered=False)

    # terminal clauses ------------------------------------------------------------------------

    def terminal(self) -> Terminal:
        self.clauses += 1
        field_token = self.tokens[self.pos]
        if self.clauses > MAX_CLAUSES:
            self.fail(
                field_token,
                f"The query has more than {MAX_CLAUSES} conditions",
                "Use IN (...) lists instead of many OR-ed conditions, or split the search.",
            )
        field = self.field()
        token = self.tokens[self.pos]
        kind = token.kind
        self.pos += 1
        simple = _SIMPLE_OPERATORS.get(kind)
        if simple is not None:
            return self.at(Terminal(field, simple, self.single_operand(token, kind)), token)
        if kind == t.IN:
            return self.at(Terminal(field, Operator.IN, self.list_or_function(token)), token)
        if kind == t.NOT:
            self.expect(
                t.IN,
                "IN after NOT",
                "Inside a condition NOT only appears as NOT IN; "
                "to negate a condition put NOT before it: NOT status = Done.",
            )
            return self.at(Terminal(field, Operator.NOT_IN, self.list_or_function(token)), token)
        if kind == t.IS:
            negated = self.tokens[self.pos].kind == t.NOT
            self.pos += negated
            self.expect(
                t.EMPTY,
                "EMPTY or NULL after IS",
                "IS only takes EMPTY (or NULL); use = to compare with a value.",
            )
            operator = Operator.IS_NOT if negated else Operator.IS
            return self.at(Terminal(field, operator, Empty()), token)
        if kind == t.WAS:
            return self.at(self.was(field, token), token)
        if kind == t.CHANGED:
            predicates = self.predicates(_CHANGED_PREDICATES)
            return self.at(Terminal(field, Operator.CHANGED, None, predicates), token)
        self.pos -= 1
        return self.fail_operator(field_token, token)

    def was(self, field: Field, token: Token) -> Terminal:
        negated = self.tokens[self.pos].kind == t.NOT
        self.pos += negated
        operand: Operand
        if self.tokens[self.pos].kind == t.IN:
            self.pos += 1
            operator = Operator.WAS_NOT_IN if negated else Operator.WAS_IN
            operand = self.list_or_function(token)
        else:
            operator = Operator.WAS_NOT if negated else Operator.WAS
            operand = self.single_operand(token, t.WAS)
        return Terminal(field, operator, operand, self.predicates(_WAS_PREDICATES))

    def fail_operator(self, field_token: Token, token: Token) -> NoReturn:
        found = self.describe(token)
        quotes = self.smart_quote_hint(field_token) or self.smart_quote_hint(token)
        if quotes:
            self.fail(token, f"Expected an operator after the field but found {found}", quotes)
        if token.kind in _VALUE_KINDS or token.kind in t.KEYWORDS.values():
            words = [self.text[field_token.start : field_token.end]]
            i = self.pos
            while self.tokens[i].kind in (t.STRING, t.NUMBER) or (
                self.tokens[i].kind in t.KEYWORDS.values()
                and self.tokens[i].kind not in _OPERATOR_KINDS | {t.AND, t.OR, t.ORDER}
            ):
                words.append(self.tokens[i].text)
                i += 1
            if len(words) > 1 and self.tokens[i].kind in _OPERATOR_KINDS:
                name = " ".join(words)
                self.fail(
                    token,
                    f"Expected an operator but found {found}",
                    f'A field name with spaces must be quoted: "{name}".',
                )
        hint = "Operators are = != < <= > >= ~ !~ IN, NOT IN, IS, IS NOT, WAS, WAS IN, CHANGED."
        if token.kind == t.LPAREN:
            hint = (
                "A condition is field operator value, e.g. project = ABC; a bare function "
                "call is not a query."
            )
        self.fail(token, f"Expected an operator after the field but found {found}", hint)

    # operands --------------------------------------------------------------------------------

    def single_operand(self, operator: Token, kind: str) -> Operand:
        token = self.tokens[self.pos]
        if token.kind == t.EMPTY:
            if kind in _ORDERING:
                self.fail(
                    token,
                    f"{operator.text} cannot compare with EMPTY",
                    "Use IS EMPTY or IS NOT EMPTY.",
                )
            self.pos += 1
            return Empty()
        if token.kind == t.LPAREN:
            self.fail(
                token,
                f"{operator.text} takes a single value, not a list",
                "Use IN (...) or NOT IN (...) for a list of values.",
            )
        if token.kind == t.EQ and kind == t.EQ:
            self.fail(token, "JQL has no '==' operator", "Use a single '=': status = Done.")
        return self.value_or_function(token)

    def value_or_function(self, token: Token) -> Operand:
        if token.kind not in _VALUE_KINDS:
            self.fail_value(token)
        self.pos += 1
        if self.tokens[self.pos].kind == t.LPAREN:
            return self.at(self.function(token), token)
        return self.at(Value(token.text, token.kind == t.NUMBER), token)

    def fail_value(self, token: Token) -> NoReturn:
        found = self.describe(token)
        if token.kind in t.KEYWORDS.values():
            raw = self.text[token.start : token.end]
            self.fail(
                token,
                f"Expected a value but found the keyword {found}",
                f'Quote values that are JQL words, e.g. "{raw}" (and "To Do", "In Progress").',
            )
        if token.kind in _CLAUSE_END or token.kind in (t.AND, t.OR):
            self.fail(
                token,
                f"Expected a value but found {found}",
                'Add the value, e.g. status = "In Progress".',
            )
        self.fail(
            token,
            f"Expected a value but found {found}",
            "Use one operator per condition: = != < <= > >= ~ !~ (JQL has no <>, == or =<).",
        )

    def function(self, name: Token) -> Function:
        if not name.text.strip():
            self.fail(name, "A function name cannot be blank")
        self.pos += 1  # the "("
        args: list[str] = []
        tokens = self.tokens
        if tokens[self.pos].kind != t.RPAREN:
            while True:
                arg = tokens[self.pos]
                if arg.kind not in _VALUE_KINDS:
                    self.fail(
                        arg,
                        f"Expected a function argument but found {self.describe(arg)}",
                        _ARGUMENT_HINT,
                    )
                args.append(arg.text)
                self.pos += 1
                if tokens[self.pos].kind != t.COMMA:
                    break
                self.pos += 1
        self.expect(t.RPAREN, "',' or ')' in the function arguments", _ARGUMENT_HINT)
        return Function(name.text, tuple(args))

    def list_or_function(self, operator: Token) -> Operand:
        token = self.tokens[self.pos]
        if token.kind == t.LPAREN:
            return self.list_operand(1)
        if token.kind in _VALUE_KINDS and self.tokens[self.pos + 1].kind == t.LPAREN:
            self.pos += 1
            return self.at(self.function(token), token)
        raw = self.text[token.start : token.end] if token.kind != t.EOF else "value"
        return self.fail(
            token,
            f"{operator.text.upper()} needs a list in parentheses or a function",
            f"Put the values in parentheses: IN ({raw}) or IN (a, b).",
        )

    def list_operand(self, depth: int) -> ListOperand:
        opening = self.tokens[self.pos]
        if depth > MAX_DEPTH:
            self.fail(opening, f"Lists nest deeper than {MAX_DEPTH} levels")
        self.pos += 1
        items: list[Operand] = []
        tokens = self.tokens
        while True:
            token = tokens[self.pos]
            if token.kind == t.EMPTY:
                self.pos += 1
                items.append(Empty())
            elif token.kind == t.LPAREN:
                items.append(self.list_operand(depth + 1))
            elif token.kind == t.RPAREN:
                message = "A list cannot be empty" if not items else "A list cannot end with ','"
                self.fail(token, message, "Write at least one value: IN (a, b).")
            else:
                items.append(self.value_or_function(token))
            token = tokens[self.pos]
            self.pos += 1
            if token.kind == t.RPAREN:
                return self.at(ListOperand(tuple(items)), opening)
            if token.kind != t.COMMA:
                if token.kind == t.EOF:
                    self.fail(
                        token,
                        "Unbalanced parentheses: the list is never closed",
                        f"Add ')' to close the list opened at column {opening.column}.",
                    )
                hint = (
                    self.smart_quote_hint(token)
                    or "Separate list values with commas; "
                    'quote values with spaces: ("In Progress", Done).'
                )
                self.fail(
                    token, f"Expected ',' or ')' in the list but found {self.describe(token)}", hint
                )

    def predicates(self, allowed: frozenset[str]) -> tuple[HistoryPredicate, ...]:
        found: list[HistoryPredicate] = []
        tokens = self.tokens
        while tokens[self.pos].kind in allowed:
            kind = PredicateKind(tokens[self.pos].kind)
            self.pos += 1
            token = tokens[self.pos]
            operand: Operand
            if token.kind == t.EMPTY:
                self.pos += 1
                operand = Empty()
            elif token.kind == t.LPAREN:
                operand = self.list_operand(1)
            else:
                operand = self.value_or_function(token)
            found.append(HistoryPredicate(kind, operand))
        token = tokens[self.pos]
        if token.kind in (t.FROM, t.TO):
            self.fail(
                token,
                f"{token.text.upper()} is only allowed after CHANGED",
                "After WAS use AFTER, BEFORE, ON, DURING or BY.",
            )
        return tuple(found)

    # fields and ORDER BY ---------------------------------------------------------------------

    def field(self) -> Field:
        token = self.tokens[self.pos]
        kind = token.kind
        base: FieldName | CustomField
        if kind in _VALUE_KINDS:
            if not token.text.strip():
                self.fail(token, "A field name cannot be blank")
            self.pos += 1
            base = self.at(FieldName(token.text), token)
        elif kind == t.CF:
            self.pos += 1
            self.expect(t.LBRACKET, "'[' after cf", "A custom field is written cf[10010].")
            number = self.expect(
                t.NUMBER, "a custom field number", "A custom field is written cf[10010]."
            )
            if number.text.startswith("-"):
                self.fail(number, "A custom field number cannot be negative")
            self.expect(t.RBRACKET, "']'", "A custom field is written cf[10010].")
            base = self.at(CustomField(int(number.text)), token)
        else:
            self.fail_field(token)
        if self.tokens[self.pos].kind != t.LBRACKET:
            return base
        self.pos += 1
        key = self.tokens[self.pos]
        if key.kind not in _VALUE_KINDS:
            self.fail(
                key,
                f"Expected a property key but found {self.describe(key)}",
                "An entity property is written issue.property[key].path.",
            )
        self.pos += 1
        self.expect(t.RBRACKET, "']' after the property key")
        path = self.tokens[self.pos]
        if path.kind in (t.STRING, t.QUOTED) and path.text.startswith("."):
            self.pos += 1
            return self.at(EntityProperty(base, key.text, path.text), token)
        return self.at(EntityProperty(base, key.text), token)

    def fail_field(self, token: Token) -> NoReturn:
        found = self.describe(token)
        if token.kind == t.EOF:
            self.fail(
                token,
                "Expected a condition but the query ends here",
                "Remove the trailing operator or add a condition.",
            )
        if token.kind == t.EQ:
            self.fail(
                token,
                f"Expected a field name but found {found}",
                "JQL has no '==' operator; use a single '='.",
            )
        if token.kind in t.KEYWORDS.values():
            raw = self.text[token.start : token.end]
            self.fail(
                token,
                f"Expected a field name but found the keyword {found}",
                f'A field named like a JQL word must be quoted: "{raw}".',
            )
        self.fail(token, f"Expected a field name but found {found}")

    def order_by(self) -> tuple[OrderField, ...]:
        self.pos += 1
        self.expect(t.BY, "BY after ORDER", "Write ORDER BY field [ASC|DESC].")
        fields: list[OrderField] = []
        tokens = self.tokens
        while True:
            field = self.field()
            direction: SortDirection | None = None
            kind = tokens[self.pos].kind
            if kind in (t.ASC, t.DESC):
                self.pos += 1
                direction = SortDirection(kind)
            fields.append(OrderField(field, direction))
            if tokens[self.pos].kind != t.COMMA:
                return tuple(fields)
            self.pos += 1
