"""Names a model types, turned into the ids Jira's write APIs need.

Projects, issue types, priorities, resolutions, option values, users and field names are
matched case-insensitively; anything unknown or ambiguous is refused with the valid choices,
so the model can correct itself in one step instead of reading a terse 400 from Jira.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping, Sequence
from typing import Any

from server import engines
from server.gateway import JiraGateway
from tools.support.base import ToolInputError

MAX_CHOICES = 25  # choices listed in an error; more would only cost tokens
# Atlassian account ids: 24 hex digits (or older "557058:<uuid>" ids); passed through as given.
ACCOUNT_ID = re.compile(r"^(?:[0-9a-f]{24}|[0-9]+:[0-9a-f-]{36})$")
# Text fields whose value Jira's v3 API wants as an ADF document, not a string.
RICH_TEXT_SYSTEM = frozenset({"description", "environment"})
RICH_TEXT_CUSTOM = ":textarea"


def listing(names: Iterable[str]) -> str:
    """Choices as one short line: `A, B, C` (cut after MAX_CHOICES); `none` when there are none."""
    unique = list(dict.fromkeys(n for n in names if n))
    if not unique:
        return "none"
    shown = ", ".join(unique[:MAX_CHOICES])
    more = len(unique) - MAX_CHOICES
    return f"{shown}, ... ({more} more)" if more > 0 else shown


def label_of(value: Mapping[str, Any]) -> str:
    """The name a person reads for an allowed value (name, value or key)."""
    for attribute in ("name", "value", "key", "displayName", "id"):
        text = value.get(attribute)
        if isinstance(text, str) and text:
            return text
    return ""


def pick(
    wanted: str, options: Sequence[Mapping[str, Any]], what: str, *, keys: Sequence[str]
) -> Mapping[str, Any]:
    """The one option whose id or name (any of ``keys``) equals ``wanted``, ignoring case."""
    needle = wanted.strip().casefold()
    found = [
        option
        for option in options
        if any(str(option.get(key, "")).casefold() == needle for key in ("id", *keys))
    ]
    if len(found) == 1:
        return found[0]
    choices = listing(label_of(option) for option in options)
    if not found:
        raise ToolInputError(f"Unknown {what} {wanted!r}. Valid choices: {choices}.")
    raise ToolInputError(f"{what.capitalize()} {wanted!r} is ambiguous. Choices: {choices}.")


async def chosen_project(gateway: JiraGateway, project: str | None, ask: str) -> str:
    """The project key named, else the only allowed project; with several (or no scope), a
    ToolInputError that says ``ask`` and lists the projects to choose from (keys and names)."""
    if project and project.strip():
        return project.strip().upper()
    if len(gateway.scope.projects) == 1:
        return gateway.scope.projects[0]
    found = await gateway.meta.projects()
    choices = listing(f"{p.get('key')} ({p.get('name') or p.get('key')})" for p in found)
    raise ToolInputError(f"{ask} Projects: {choices}.")


async def issue_type(gateway: JiraGateway, project: str, name: str) -> Mapping[str, Any]:
    """The issue type called ``name`` (or with that id) that can be created in ``project``."""
    types = await gateway.meta.createmeta_issuetypes(project)
    return pick(name, types, f"issue type in {project}", keys=("name",))


def allowed_ref(meta: Mapping[str, Any], value: str) -> dict[str, str]:
    """``{"id": ...}`` of the allowed value of a screen field called ``value``."""
    options = [v for v in meta.get("allowedValues") or [] if isinstance(v, Mapping)]
    name = str(meta.get("name") or meta.get("key") or "value")
    chosen = pick(value, options, name.lower(), keys=("name", "value"))
    return {"id": str(chosen.get("id"))}


async def priority_ref(
    gateway: JiraGateway, screen: Mapping[str, Mapping[str, Any]], name: str
) -> dict[str, str]:
    """A priority by name: the create screen's allowed values, else the site's list."""
    meta = screen.get("priority")
    if meta is not None and meta.get("allowedValues"):
        return allowed_ref(meta, name)
    chosen = pick(name, await gateway.meta.priorities(), "priority", keys=("name",))
    return {"id": str(chosen.get("id"))}


async def account_id(gateway: JiraGateway, who: str) -> str:
    """The accountId of a user given by accountId, email address or (part of a) name."""
    who = who.strip()
    if ACCOUNT_ID.match(who):
        return who
    users = [u for u in await gateway.meta.search_users(who) if u.get("active", True)]
    needle = who.casefold()
    exact = [
        u
        for u in users
        if needle
        in (str(u.get("emailAddress", "")).casefold(), str(u.get("displayName", "")).casefold())
    ]
    found = exact or users
    if len(found) == 1:
        return str(found[0].get("accountId"))
    if not found:
        raise ToolInputError(f"No active user matches {who!r}. Give an email or accountId.")
    candidates = listing(
        f"{u.get('displayName')} <{u.get('emailAddress') or u.get('accountId')}>" for u in found
    )
    raise ToolInputError(f"{who!r} matches several users: {candidates}. Give an email.")


async def field_id(
    gateway: JiraGateway, name: str, screen: Mapping[str, Mapping[str, Any]], where: str
) -> str:
    """The id of a field on ``screen``, given by id or name; ``where`` names the screen."""
    needle = name.strip().casefold()
    for fid, meta in screen.items():
        if needle in (fid.casefold(), str(meta.get("name", "")).casefold()):
            return fid
    on_screen = listing(str(meta.get("name") or fid) for fid, meta in screen.items())
    site = [
        f
        for f in await gateway.meta.fields()
        if needle in (str(f.get("id", "")).casefold(), str(f.get("name", "")).casefold())
    ]
    if site:
        raise ToolInputError(
            f"Field {name!r} is not on the {where} screen, so it cannot be set there. "
            f"Fields there: {on_screen}."
        )
    raise ToolInputError(f"Unknown field {name!r}. Fields on the {where} screen: {on_screen}.")


async def field_value(gateway: JiraGateway, meta: Mapping[str, Any], value: Any) -> Any:
    """A value in the form Jira wants: Markdown to ADF, names to option ids, users to ids."""
    schema = meta.get("schema") or {}
    if isinstance(value, str) and _is_rich_text(schema):
        return markdown_doc(value, str(meta.get("name") or "field"))
    if isinstance(value, str) and schema.get("type") == "user":
        return {"accountId": await account_id(gateway, value)}
    if meta.get("allowedValues") and _names_an_option(value):
        if isinstance(value, list):
            return [allowed_ref(meta, item) for item in value]
        return allowed_ref(meta, value)
    return value


def _is_rich_text(schema: Mapping[str, Any]) -> bool:
    if schema.get("system") in RICH_TEXT_SYSTEM:
        return True
    return str(schema.get("custom", "")).endswith(RICH_TEXT_CUSTOM)


def _names_an_option(value: Any) -> bool:
    """True for a name or a list of names (dicts are taken as Jira's own form)."""
    if isinstance(value, str):
        return True
    return isinstance(value, list) and bool(value) and all(isinstance(v, str) for v in value)


def markdown_doc(text: str, what: str) -> dict[str, object]:
    """Markdown as an ADF document, checked before anything is sent."""
    doc = engines.markdown_to_adf(text)
    problems = engines.validate_adf(doc)
    if problems:
        raise ToolInputError(
            f"The {what} could not be converted to ADF: {'; '.join(problems[:3])}. "
            "Simplify that part of the Markdown (plain paragraphs, lists, code) and call again."
        )
    return doc


def missing_required(screen: Mapping[str, Mapping[str, Any]], given: Iterable[str]) -> list[str]:
    """Required screen fields without a value or a default: `Name (id): allowed, values`."""
    have = set(given)
    missing = []
    for fid, meta in screen.items():
        if fid in have or not meta.get("required") or meta.get("hasDefaultValue"):
            continue
        options = [label_of(v) for v in meta.get("allowedValues") or [] if isinstance(v, Mapping)]
        name = f"{meta.get('name') or fid} ({fid})"
        missing.append(f"{name}: {listing(options)}" if any(options) else name)
    return missing
