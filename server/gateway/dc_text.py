"""Rich text between Cloud's ADF documents and Data Center's wiki-markup strings.

Jira Data Center's REST v2 takes and gives description, environment, comment bodies and
textarea custom fields as wiki-markup strings (Atlassian's Jira Server REST API v2 reference,
``IssueBean.fields`` and ``CommentJsonBean.body``); everything above the gateway speaks ADF. A
request's documents are written as wiki markup on the way out; an answer's strings at those
positions are read back into documents on the way in, so shaping renders Markdown as on Cloud.
"""

from __future__ import annotations

import re
from collections.abc import Awaitable, Callable, Iterator
from typing import Any

from server import engines

Json = Any
TextareaIds = Callable[[], Awaitable[frozenset[str]]]

# The plain rich-text system fields; textarea custom fields are known from the field list.
RICH_SYSTEM_FIELDS = ("description", "environment")
_COMMENT_PATH = re.compile(r"^/rest/api/3/issue/[^/]+/comment(?:/[^/]+)?$")


def is_document(value: Json) -> bool:
    """Whether ``value`` is an ADF document (the root node of one)."""
    return (
        isinstance(value, dict)
        and value.get("type") == "doc"
        and isinstance(value.get("content"), list)
    )


def wiki_body(body: Json) -> Json:
    """``body`` with every ADF document in it (at any depth) written as wiki markup."""
    if is_document(body):
        return engines.adf_to_wiki(body)
    if isinstance(body, dict):
        return {key: wiki_body(value) for key, value in body.items()}
    if isinstance(body, list):
        return [wiki_body(item) for item in body]
    return body


async def documents_in(path: str, data: Json, textareas: TextareaIds) -> Json:
    """``data`` (the answer to a request for ``path``) with its rich-text strings read as ADF.

    The answer was just decoded and belongs to the caller, so it is changed in place.
    ``textareas`` is asked only when an issue carries a custom field holding a string.
    """
    if _COMMENT_PATH.match(path):
        _comment_answer(data)
        return data
    issue_fields = list(_fields_maps(data))
    custom: frozenset[str] = frozenset()
    if any(_has_custom_text(fields) for fields in issue_fields):
        custom = await textareas()
    for fields in issue_fields:
        _fields_to_adf(fields, custom)
    return data


def textarea_ids(fields: list[dict[str, Any]]) -> frozenset[str]:
    """The ids of the textarea custom fields in a field list (schema ``custom`` ``:textarea``)."""
    return frozenset(
        str(field.get("id"))
        for field in fields
        if isinstance(field.get("schema"), dict)
        and str(field["schema"].get("custom") or "").endswith(":textarea")
    )


def _fields_maps(data: Json) -> Iterator[dict[str, Any]]:
    """Every issue's ``fields`` object in an answer (an issue, a page of them, a board's)."""
    if isinstance(data, list):
        for item in data:
            yield from _fields_maps(item)
    elif isinstance(data, dict):
        for key, value in data.items():
            if key == "fields" and isinstance(value, dict):
                yield value
            yield from _fields_maps(value)


def _has_custom_text(fields: dict[str, Any]) -> bool:
    return any(
        key.startswith("customfield_") and isinstance(value, str) for key, value in fields.items()
    )


def _fields_to_adf(fields: dict[str, Any], textareas: frozenset[str]) -> None:
    for key in (*RICH_SYSTEM_FIELDS, *textareas):
        if isinstance(fields.get(key), str):
            fields[key] = engines.wiki_to_adf(fields[key])
    _comment_answer(fields.get("comment"))


def _comment_answer(data: Json) -> None:
    """A comment, or a page of comments (the ``comment`` field or the comment endpoint)."""
    if not isinstance(data, dict):
        return
    comments = data.get("comments")
    for comment in comments if isinstance(comments, list) else [data]:
        if isinstance(comment, dict) and isinstance(comment.get("body"), str):
            comment["body"] = engines.wiki_to_adf(comment["body"])
