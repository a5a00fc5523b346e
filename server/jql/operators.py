"""Which operators each system field takes, from Atlassian's "JQL fields" reference.

support.atlassian.com/jira-software-cloud/docs/jql-fields/ lists each field's "Unsupported
operators"; Jira answers such a clause with 400 "The operator 'X' is not supported by the 'f'
field." Fields not listed here are not judged.
"""

from __future__ import annotations

from typing import Final

from server.jql.ast import Operator

ORDERING: Final = frozenset(
    {
        Operator.LESS_THAN, Operator.LESS_THAN_EQUALS,
        Operator.GREATER_THAN, Operator.GREATER_THAN_EQUALS,
    }
)  # fmt: skip
LIKE: Final = frozenset({Operator.LIKE, Operator.NOT_LIKE})
HISTORY: Final = frozenset(
    {Operator.WAS, Operator.WAS_NOT, Operator.WAS_IN, Operator.WAS_NOT_IN, Operator.CHANGED}
)
EQUALITY: Final = frozenset({Operator.EQUALS, Operator.NOT_EQUALS, Operator.IN, Operator.NOT_IN})
TEXT_ONLY: Final = EQUALITY | ORDERING | HISTORY
# System field id -> the operators it does not take.
UNSUPPORTED: Final[dict[str, frozenset[Operator]]] = {
    "status": LIKE | ORDERING,
    "statusCategory": LIKE | ORDERING,
    "priority": LIKE,
    "resolution": LIKE,
    "issuetype": LIKE | ORDERING | HISTORY,
    "project": LIKE | ORDERING | HISTORY,
    "labels": LIKE | ORDERING,
    "issuekey": LIKE,
    "assignee": LIKE | ORDERING,
    "reporter": LIKE | ORDERING,
    "creator": LIKE | ORDERING | HISTORY,
    "created": LIKE | HISTORY,
    "updated": LIKE | HISTORY,
    "resolutiondate": LIKE | HISTORY,
    "duedate": LIKE | HISTORY,
    "summary": TEXT_ONLY,
    "description": TEXT_ONLY,
    "environment": TEXT_ONLY,
    "comment": TEXT_ONLY,
    "text": TEXT_ONLY,
}
ALL_OPERATORS: Final = tuple(Operator)
