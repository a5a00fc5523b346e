"""Create an issue at most once, even when Jira's answer to the create is lost.

Every create carries a fresh request id as an issue property. When the gateway cannot tell
whether a create happened (``WriteOutcomeUnknown``: sent, then a timeout or a 5xx), the issue
is looked for by that id before anything is reported. Jira's search is eventually consistent
(Atlassian, "Search After Write with Search And Reconcile": no read-after-write guarantee, a
delay of a few seconds or more), so one look proves nothing: the look is repeated with
backoff (1, 2, 4, then every 8 s) until the issue is found or ``SETTLE_SECONDS`` have passed.
Found, it is the answer; still absent at the deadline after Jira answered with a 5xx, the
create is sent once more with the same id; in any other case the caller is told that the
issue may exist and exactly what to search for. No path creates a second issue or reports a
failure for an issue that exists. Waiting goes through the gateway's clock (tests fake it).

No issue id is known on this path (the answer that carried it is lost), so ``reconcileIssues``
cannot help; the request id property is what is searched for.
"""

from __future__ import annotations

import uuid
from dataclasses import dataclass
from typing import Any

from server import engines
from server.errors import BadRequest, JiraError, JiraHttpError, NotFound, WriteOutcomeUnknown
from server.gateway import JiraGateway
from server.gateway.audit import REQUEST_PROPERTY
from tools.support.base import ToolInputError

# Candidates are the caller's issues created this recently; a lost answer is settled within
# a minute, so this only has to outlast that, clock skew and Jira's search index delay.
RECENT = "-15m"
# How long a lost create is looked for: a write still running when the client gave up (the
# client waits JIRA_TIMEOUT, Jira may take some seconds more) plus the search index lag of
# several seconds both fit in it, with room to spare. Documented in the README.
SETTLE_SECONDS = 40.0
FIRST_WAIT = 1.0  # the first look is at once, the next after this, then doubling...
MAX_WAIT = 8.0  # ...up to this gap between looks
PAGE = 100


@dataclass(frozen=True)
class Created:
    """The created issue (``id``, ``key``, ``self``); ``recovered`` if found after a lost answer."""

    issue: dict[str, Any]
    recovered: bool = False


class Unsettled(Exception):
    """The reads that would settle a lost create failed too."""


def new_request_id() -> str:
    """A fresh id for one create request."""
    return str(uuid.uuid4())


def with_request_id(payload: dict[str, Any], request_id: str) -> dict[str, Any]:
    """The create payload carrying ``request_id`` as an issue property."""
    properties = [p for p in payload.get("properties", []) if p.get("key") != REQUEST_PROPERTY]
    properties.append({"key": REQUEST_PROPERTY, "value": {"id": request_id}})
    return {**payload, "properties": properties}


def lookup_jql(project: str, request_id: str) -> str:
    """The JQL that finds the issue a create request made."""
    prop = f"issue.property[{REQUEST_PROPERTY}].id"
    return f"project = {engines.quote(project)} AND {prop} = {engines.quote(request_id)}"


async def create_once(gateway: JiraGateway, payload: dict[str, Any], request_id: str) -> Created:
    """Create the issue in ``payload`` (which carries ``request_id``) exactly once."""
    lookup = _Lookup(gateway, payload, request_id)
    outcome = await lookup.try_create()
    if isinstance(outcome, WriteOutcomeUnknown) and _finished(outcome):
        # Jira answered with a 5xx and the issue stayed absent until the deadline: one more try.
        outcome = await lookup.try_create()
    if isinstance(outcome, Created):
        return outcome
    why = f"no issue with its request id appeared in search within {SETTLE_SECONDS:g} s"
    raise _unknown(lookup.project, request_id, why)


@dataclass(frozen=True)
class _Lookup:
    """One create request and the reads that settle it."""

    gateway: JiraGateway
    payload: dict[str, Any]
    request_id: str

    @property
    def project(self) -> str:
        """The project key the issue is created in."""
        return str(self.payload["fields"]["project"]["key"])

    async def try_create(self) -> Created | WriteOutcomeUnknown:
        """The created issue (found by a read if the answer was lost), or the loss if absent."""
        try:
            return Created(await self.gateway.create_issue(self.payload))
        except WriteOutcomeUnknown as lost:
            found = await self.settle()
            return Created(found, recovered=True) if found is not None else lost

    async def settle(self) -> dict[str, Any] | None:
        """Look for the issue until found or ``SETTLE_SECONDS`` have passed (None: absent).

        A failed read is looked past while time is left; if the last look failed, absence is
        not proven and the caller is told the issue may exist.
        """
        clock = self.gateway.http.clock
        deadline = clock.monotonic() + SETTLE_SECONDS
        summary = str(self.payload["fields"].get("summary", ""))
        wait = FIRST_WAIT
        while True:
            failure: Unsettled | None = None
            try:
                found = await find_created(self.gateway, self.project, summary, self.request_id)
            except Unsettled as exc:
                found, failure = None, exc
            left = deadline - clock.monotonic()
            if found is not None or left <= 0:
                break
            await clock.sleep(min(wait, left))
            wait = min(MAX_WAIT, 2 * wait)
        if failure is not None:
            why = f"the reads that would tell failed too: {failure}"
            raise _unknown(self.project, self.request_id, why) from None
        return found


def _finished(lost: WriteOutcomeUnknown) -> bool:
    """True when Jira answered (a 5xx): the request is over, so absence at the deadline is final.

    After a timeout or a dropped connection the create may still be running, and a retry
    could race it into a duplicate.
    """
    return isinstance(lost.cause, JiraHttpError)


def _unknown(project: str, request_id: str, why: str) -> ToolInputError:
    return ToolInputError(
        f"Jira's answer to the create was lost and the outcome cannot be settled ({why}): "
        "the issue may exist. Before creating it again, search for it with search_jql: "
        f"{lookup_jql(project, request_id)} (Jira's search can lag by minutes; if that finds "
        "nothing, look for the summary among your issues created in the last minutes)."
    )


async def find_created(
    gateway: JiraGateway, project: str, summary: str, request_id: str
) -> dict[str, Any] | None:
    """The issue carrying ``request_id``, or None when the reads show there is none.

    Two reads: the property in JQL (fast, but a property is only searchable where Jira
    indexes it), then the caller's recent issues with the same summary, each checked by
    reading its property. Raises Unsettled when a read fails.
    """
    try:
        found = await _by_property(gateway, project, request_id)
        if found is not None:
            return found
        return await _by_candidates(gateway, project, summary, request_id)
    except JiraError as exc:
        raise Unsettled(str(exc)) from exc


async def _by_property(
    gateway: JiraGateway, project: str, request_id: str
) -> dict[str, Any] | None:
    try:
        page = await gateway.search_page(
            lookup_jql(project, request_id), fields=("summary",), max_results=2
        )
    except BadRequest:
        return None  # a site that cannot search this property; the candidates decide
    return _reference(page.issues[0]) if page.issues else None


async def _by_candidates(
    gateway: JiraGateway, project: str, summary: str, request_id: str
) -> dict[str, Any] | None:
    jql = (
        f"project = {engines.quote(project)} AND creator = currentUser() "
        f"AND created >= {engines.quote(RECENT)} ORDER BY created DESC"
    )
    async for page in gateway.search_all(jql, fields=("summary",), page_size=PAGE):
        for issue in page.issues:
            if issue.get("fields", {}).get("summary") != summary:
                continue
            if await _carries(gateway, str(issue.get("key")), request_id):
                return _reference(issue)
    return None


async def _carries(gateway: JiraGateway, key: str, request_id: str) -> bool:
    try:
        value = await gateway.get_issue_property(key, REQUEST_PROPERTY)
    except NotFound:
        return False
    return isinstance(value, dict) and value.get("id") == request_id


def _reference(issue: dict[str, Any]) -> dict[str, Any]:
    """The same shape as a create's answer: id, key and self."""
    return {"id": str(issue.get("id")), "key": str(issue.get("key")), "self": issue.get("self")}
