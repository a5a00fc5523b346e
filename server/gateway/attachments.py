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

    def __init__(self, http: JiraHttp, clock: Clock) -> None:
        self._http = http
        self._clock = clock

    async def listed(self, key: str) -> list[dict[str, Any]]:
        """The attachments listed on issue ``key`` (read now), oldest first."""
        data = await self._http.request(
            "GET", f"/rest/api/3/issue/{key}", params={"fields": "attachment"}
        )
        fields = data.get("fields") if isinstance(data, dict) else None
        items = fields.get("attachment") if isinstance(fields, dict) else None
        if not isinstance(items, list):
            return []
        return [item for item in items if isinstance(item, dict)]

    async def content(self, attachment_id: str, *, max_bytes: int) -> Download:
        """The file's bytes; only for an id that ``listed`` returned in this tool call."""
        return await self._http.download(
            f"/rest/api/3/attachment/content/{attachment_id}", max_bytes=max_bytes
        )

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
