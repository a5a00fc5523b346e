"""Post a comment at most once, even when Jira's answer to the post is lost.

The same approach as a create (``tools.dedupe``): every comment carries a fresh request id,
here as a comment property. When the gateway cannot tell whether the post happened
(``WriteOutcomeUnknown``: sent, then a timeout or a 5xx), the issue's newest comments are read
(``expand=properties``) and the comment is looked for by that id, or by its exact body and
author posted since the send (for a site that drops the property). Comments are read from
Jira's database, not its search index, so one read after Jira has answered (a 5xx) is final:
absent, the comment is posted once more with the same id. After a timeout the post may still
be running, so the reads repeat with backoff until ``SETTLE_SECONDS``; still absent then, the
caller is told the comment may exist, never that it failed, and nothing is posted again.
"""

from __future__ import annotations

import uuid
from datetime import UTC, datetime, timedelta
from typing import Any, Final

from server.errors import JiraError, JiraHttpError, WriteOutcomeUnknown
from server.gateway.core import JiraHttp
from server.gateway.meta import MetaApi

REQUEST_PROPERTY: Final = "jira-mcp-gateway.request"
SETTLE_SECONDS: Final = 40.0  # as for creates: a slow write plus the client's timeout fit
FIRST_WAIT: Final = 1.0
MAX_WAIT: Final = 8.0
LOOKBACK: Final = 50  # newest comments read when settling; a busy issue gains a few a minute
SKEW: Final = timedelta(minutes=5)  # clock difference tolerated between us and Jira


class CommentSettler:
    """Posts one comment with a request id and settles a lost answer by reading."""

    def __init__(self, http: JiraHttp, meta: MetaApi) -> None:
        self.http = http
        self.meta = meta

    async def post_once(
        self, key: str, adf_body: dict[str, Any], visibility: dict[str, str] | None
    ) -> dict[str, Any]:
        """The created comment (``recovered`` True when found after a lost answer)."""
        request_id = str(uuid.uuid4())
        body: dict[str, Any] = {
            "body": adf_body,
            "properties": [{"key": REQUEST_PROPERTY, "value": {"id": request_id}}],
        }
        if visibility:
            body["visibility"] = visibility
        sent = datetime.fromtimestamp(self.http.clock.wall(), UTC)
        for attempt in (1, 2):
            try:
                return {**await self._post(key, body), "recovered": False}
            except WriteOutcomeUnknown as lost:
                finished = isinstance(lost.cause, JiraHttpError)
                found = await self._settle(key, request_id, adf_body, sent, finished=finished)
                if found is not None:
                    return {**found, "recovered": True}
                if not finished or attempt == 2:
                    raise _unknown(key, "it did not appear among the newest comments") from None
        raise AssertionError("unreachable")  # pragma: no cover

    async def _post(self, key: str, body: dict[str, Any]) -> dict[str, Any]:
        data = await self.http.request(
            "POST", f"/rest/api/3/issue/{key}/comment", body=body, issue=key
        )
        return data if isinstance(data, dict) else {}

    async def _settle(
        self,
        key: str,
        request_id: str,
        adf_body: dict[str, Any],
        sent: datetime,
        *,
        finished: bool,
    ) -> dict[str, Any] | None:
        """The comment if it exists; after a timeout, looked for until SETTLE_SECONDS."""
        clock = self.http.clock
        deadline = clock.monotonic() + (0.0 if finished else SETTLE_SECONDS)
        wait = FIRST_WAIT
        me: str | None = None
        while True:
            try:
                comments = await self._newest(key)
                if me is None:
                    me = str((await self.meta.myself()).get("accountId", ""))
            except JiraError as exc:
                if clock.monotonic() >= deadline:
                    raise _unknown(key, f"the reads that would tell failed too: {exc}") from None
            else:
                found = _match(comments, request_id, adf_body, me, sent)
                if found is not None:
                    return found
            left = deadline - clock.monotonic()
            if left <= 0:
                return None
            await clock.sleep(min(wait, left))
            wait = min(MAX_WAIT, 2 * wait)

    async def _newest(self, key: str) -> list[dict[str, Any]]:
        params: dict[str, str | int] = {
            "orderBy": "-created",
            "maxResults": LOOKBACK,
            "expand": "properties",
        }
        data = await self.http.request("GET", f"/rest/api/3/issue/{key}/comment", params=params)
        items = data.get("comments") if isinstance(data, dict) else None
        return [c for c in items or [] if isinstance(c, dict)]


def _match(
    comments: list[dict[str, Any]],
    request_id: str,
    adf_body: dict[str, Any],
    me: str,
    sent: datetime,
) -> dict[str, Any] | None:
    """The comment carrying ``request_id``; else one with the same body by us since ``sent``."""
    for comment in comments:
        for prop in comment.get("properties") or []:
            value = prop.get("value") if isinstance(prop, dict) else None
            ours = isinstance(prop, dict) and prop.get("key") == REQUEST_PROPERTY
            if ours and isinstance(value, dict) and value.get("id") == request_id:
                return comment
    for comment in comments:
        author = comment.get("author")
        author_id = author.get("accountId") if isinstance(author, dict) else None
        if comment.get("body") != adf_body or not me or author_id != me:
            continue
        created = _moment(comment.get("created"))
        if created is not None and created >= sent - SKEW:
            return comment
    return None


def _moment(value: object) -> datetime | None:
    if not isinstance(value, str):
        return None
    try:
        return datetime.strptime(value, "%Y-%m-%dT%H:%M:%S.%f%z")
    except ValueError:
        return None


def _unknown(key: str, why: str) -> WriteOutcomeUnknown:
    return WriteOutcomeUnknown(
        f"Jira's answer to the comment on {key} was lost and {why}: the comment may exist. "
        f"Read {key}'s newest comments (get_issue) before commenting again."
    )
