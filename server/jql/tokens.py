"""Token kinds, JQL keywords and reserved words."""

from __future__ import annotations

from typing import Final

# Token kinds are short interned strings: comparing them is as cheap as comparing ints.
STRING: Final = "STRING"  # unquoted string
QUOTED: Final = "QUOTED"  # "…" or '…'
NUMBER: Final = "NUMBER"
LPAREN: Final = "("
RPAREN: Final = ")"
COMMA: Final = ","
LBRACKET: Final = "["
RBRACKET: Final = "]"
EQ: Final = "="
NE: Final = "!="
LT: Final = "<"
LE: Final = "<="
GT: Final = ">"
GE: Final = ">="
LIKE: Final = "~"
NOT_LIKE: Final = "!~"
AND: Final = "AND"
OR: Final = "OR"
NOT: Final = "NOT"
IN: Final = "IN"
IS: Final = "IS"
WAS: Final = "WAS"
CHANGED: Final = "CHANGED"
EMPTY: Final = "EMPTY"
AFTER: Final = "AFTER"
BEFORE: Final = "BEFORE"
DURING: Final = "DURING"
ON: Final = "ON"
BY: Final = "BY"
FROM: Final = "FROM"
TO: Final = "TO"
ORDER: Final = "ORDER"
ASC: Final = "ASC"
DESC: Final = "DESC"
CF: Final = "CF"
EOF: Final = "EOF"

# Punctuation and operator text -> kind. `!` alone is NOT; `&`/`&&` AND; `|`/`||` OR.
PUNCTUATION: Final[dict[str, str]] = {
    "(": LPAREN,
    ")": RPAREN,
    ",": COMMA,
    "[": LBRACKET,
    "]": RBRACKET,
    "=": EQ,
    "!=": NE,
    "<": LT,
    "<=": LE,
    ">": GT,
    ">=": GE,
    "~": LIKE,
    "!~": NOT_LIKE,
    "!": NOT,
    "&": AND,
    "&&": AND,
    "|": OR,
    "||": OR,
}

# Lower-case keyword text -> kind (`null` is the same keyword as `empty`).
KEYWORDS: Final[dict[str, str]] = {
    "and": AND,
    "or": OR,
    "not": NOT,
    "in": IN,
    "is": IS,
    "was": WAS,
    "changed": CHANGED,
    "empty": EMPTY,
    "null": EMPTY,
    "after": AFTER,
    "before": BEFORE,
    "during": DURING,
    "on": ON,
    "by": BY,
    "from": FROM,
    "to": TO,
    "order": ORDER,
    "asc": ASC,
    "desc": DESC,
    "cf": CF,
}

# Jira's reserved words (JqlStringSupportImpl.RESERVED_WORDS): refused unquoted anywhere.
_RESERVED_TEXT: Final = """
    abort access add after alias all alter and any as asc audit avg before begin between boolean
    break by byte catch cf changed char character check checkpoint collate collation column commit
    connect continue count create current date decimal declare decrement default defaults define
    delete delimiter desc difference distinct divide do double drop else empty encoding end equals
    escape exclusive exec execute exists explain false fetch file field first float for from
    function go goto grant greater group having identified if immediate in increment index initial
    inner inout input insert int integer intersect intersection into is isempty isnull join last
    left less like limit lock long max min minus mode modify modulo more multiply next noaudit not
    notin nowait null number object of on option or order outer output power previous prior
    privileges public raise raw remainder rename resource return returns revoke right row rowid
    rownum rows select session set share size sqrt start strict string subtract sum synonym table
    then to trans transaction trigger true uid union unique update user validate values view was
    when whenever where while with during
"""
RESERVED_WORDS: Final[frozenset[str]] = frozenset(_RESERVED_TEXT.split())
