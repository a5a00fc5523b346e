"""Attachments: the files listed on an issue, their content, and uploads made at most once.

Jira's attachment endpoints do not name the issue a file belongs to, so every read starts
from the issue: ``listed`` reads it (the scope guard checks it and remembers the attachment
ids it lists for the rest of the tool call), and the guard lets ``content`` fetch only those.

An upload whose answer is lost (a timeout or a 5xx after sending) is settled by listing the
issue's attachments again: a file of the same name and size that was not there before the
upload is the one sent. The list is read at once, then after 1, 2, 4 and every 8 s until
``SETTLE_SECONDS`` have passed, so a write still running when the client gave up is found.
"""

from __future__ import annotations

import re
from collections import OrderedDict
from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from typing import Any, Final

from server.errors import InvalidResponse, WriteOutcomeUnknown
from server.gateway.clock import Clock
from server.gateway.core import Download, JiraHttp

SETTLE_SECONDS: Final = 40.0
FIRST_WAIT: Final = 1.0
MAX_WAIT: Final = 8.0
# Uploads need this header, or Jira blocks them as a cross-site request (REST v3 reference,
# "Add attachment").
NO_CHECK: Final = {"X-Atlassian-Token": "no-check"}
# File names remembered from listings, for Data Center's content links.
REMEMBERED_NAMES: Final = 2000
_NOT_IN_NAME = re.compile(r"[^A-Za-z0-9._-]+")


@dataclass(frozen=True)
class Upload:
    """The attachment an upload made; ``recovered`` when found after a lost answer."""

    attachment: dict[str, Any]
    recovered: bool = False


class UploadNotSettled(Exception):
    """A lost upload that did not appear on the issue before the deadline."""

    def __init__(self, lost: WriteOutcomeUnknown) -> None:
        super().__init__(str(lost))
        self.lost = lost


class AttachmentsApi:
    """The files of an issue, through the scope-checking request path."""

    def __init__(
        self,
        http: JiraHttp,
        clock: Clock,
        deployment: Callable[[], Awaitable[str]] | None = None,
    ) -> None:
        self._http = http
        self._clock = clock
        self._deployment = deployment
        self._names: OrderedDict[str, str] = OrderedDict()  # attachment id -> file name

    async def listed(self, key: str) -> list[dict[str, Any]]:
        """The attachments listed on issue ``key`` (read now), oldest first."""
        data = await self._http.request(
            "GET", f"/rest/api/3/issue/{key}", params={"fields": "attachment"}
        )
        fields = data.get("fields") if isinstance(data, dict) else None
        items = fields.get("attachment") if isinstance(fields, dict) else None
        if not isinstance(items, list):
            return []
        found = [item for item in items if isinstance(item, dict)]
        for item in found:
            self._remember_name(str(item.get("id")), str(item.get("filename") or ""))
        return found

    def _remember_name(self, attachment_id: str, filename: str) -> None:
        self._names[attachment_id] = filename
        self._names.move_to_end(attachment_id)
        while len(self._names) > REMEMBERED_NAMES:
            self._names.popitem(last=False)

    async def content(self, attachment_id: str, *, max_bytes: int) -> Download:
        """The file's bytes; only for an id that ``listed`` returned in this tool call."""
        return await self._http.download(
            await self._content_path(attachment_id), max_bytes=max_bytes
        )

    async def _content_path(self, attachment_id: str) -> str:
        """Cloud's content endpoint; on Data Center, which has none in its REST API (jira.js
        ``src/server/api/issueAttachments.ts`` lists metadata, meta and archive views only),
        the ``/secure/attachment/{id}/{filename}`` link its attachments carry. Jira finds the
        file by id, so the name is written with safe characters only (Atlassian developer
        community, "JWT token to download attachments", t/4072: another name still serves
        the file)."""
        if self._deployment is None or await self._deployment() != "datacenter":
            return f"/rest/api/3/attachment/content/{attachment_id}"
        name = _NOT_IN_NAME.sub("_", self._names.get(attachment_id, "")).strip("._") or "file"
        return f"/secure/attachment/{attachment_id}/{name}"

    async def upload_once(self, key: str, filename: str, content: bytes, mime_type: str) -> Upload:
        """Attach one file to ``key``; never twice, even when Jira's answer is lost."""
        before = {str(a.get("id")) for a in await self.listed(key)}
        try:
            data = await self._http.request(
                "POST",
                f"/rest/api/3/issue/{key}/attachments",
                files={"file": (filename, content, mime_type)},
                headers=NO_CHECK,
                issue=key,
            )
        except WriteOutcomeUnknown as lost:
            found = await self._settle(key, filename, len(content), before)
            if found is None:
                raise UploadNotSettled(lost) from None
            return Upload(found, recovered=True)
        items = data if isinstance(data, list) else []
        if not items or not isinstance(items[0], dict):
            raise InvalidResponse("Jira accepted the upload but did not describe the attachment.")
        return Upload(items[0])

    async def _settle(
        self, key: str, filename: str, size: int, before: set[str]
    ) -> dict[str, Any] | None:
        deadline = self._clock.monotonic() + SETTLE_SECONDS
        wait = FIRST_WAIT
        while True:
            for item in await self.listed(key):
                new = str(item.get("id")) not in before
                if new and item.get("filename") == filename and item.get("size") == size:
                    return item
            left = deadline - self._clock.monotonic()
            if left <= 0:
                return None
            await self._clock.sleep(min(wait, left))
            wait = min(wait * 2, MAX_WAIT)
