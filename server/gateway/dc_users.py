"""Users between Cloud's ``accountId`` and Data Center's ``name``.

Jira Data Center identifies a user by ``name`` (the username) and ``key``, and has no
``accountId`` (Atlassian's Jira Server REST API v2 reference, ``UserJsonBean``); a write names a
user as ``{"name": ...}``. Everything above the gateway speaks accountIds, so on Data Center a
user's ``accountId`` *is* its username: answers get ``accountId`` = ``name``, and requests'
``{"accountId": X}`` go out as ``{"name": X}``. The same user is named either way.
"""

from __future__ import annotations

from typing import Any

Json = Any


def name_refs(body: Json) -> Json:
    """``body`` with every ``accountId`` key (a user reference) renamed ``name``."""
    if isinstance(body, dict):
        return {
            ("name" if key == "accountId" else key): name_refs(value) for key, value in body.items()
        }
    if isinstance(body, list):
        return [name_refs(item) for item in body]
    return body


def with_account_ids(data: Json) -> Json:
    """``data`` with every Data Center user object given ``accountId`` = its ``name``.

    The answer was just decoded and belongs to the caller, so it is changed in place.
    """
    if isinstance(data, list):
        for item in data:
            with_account_ids(item)
    elif isinstance(data, dict):
        if _is_user(data):
            data["accountId"] = data["name"]
        for value in data.values():
            with_account_ids(value)
    return data


def _is_user(value: dict[str, Any]) -> bool:
    """A Data Center user: a username and a display name, and no accountId yet."""
    return (
        "accountId" not in value
        and isinstance(value.get("name"), str)
        and "displayName" in value
        and ("key" in value or "emailAddress" in value)
    )
