"""Jira's own verdict on JQL, on Data Center: a search for no issues, validated.

Data Center has no ``/jql/parse`` (the Jira Server REST API v2 reference and jira.js
``src/server/api/jql.ts`` offer only autocomplete data). Its search validates the query when
``validateQuery`` is true (a boolean there; Cloud's ``strict``/``warn`` are refused with a 400)
and answers a bad one with 400 and one ``errorMessages`` line per problem, e.g. "Field 'x'
does not exist or you do not have permission to view it." So each scoped query is searched
with ``maxResults: 0`` and its messages become the ``errors`` of a verdict shaped like one of
``/jql/parse``'s (``{query, errors?, warnings?}``), which callers read the same way.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from server.errors import BadRequest
from server.gateway.core import JiraHttp
from server.gateway.scope import ScopedQuery

SEARCH = "/rest/api/2/search"


async def verdicts(http: JiraHttp, queries: Sequence[ScopedQuery]) -> list[dict[str, Any]]:
    """One verdict per query, in order: its errors and warnings, none when it is valid."""
    return [await _verdict(http, query) for query in queries]


async def _verdict(http: JiraHttp, query: ScopedQuery) -> dict[str, Any]:
    body = {"jql": query, "maxResults": 0, "fields": [], "validateQuery": True}
    verdict: dict[str, Any] = {"query": query.text}
    try:
        data = await http.request("POST", SEARCH, body=body)
    except BadRequest as refused:
        verdict["errors"] = (
            list(refused.error_messages)
            or [*(f"{k}: {v}" for k, v in refused.errors.items())]
            or [refused.message]
        )
        return verdict
    warnings = data.get("warningMessages") if isinstance(data, dict) else None
    if isinstance(warnings, list) and warnings:
        verdict["warnings"] = [str(w) for w in warnings]
    return verdict
