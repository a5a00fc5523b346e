"""What Jira Data Center sends where Cloud's shape differs: sprints as text, the history in the
issue, attachment links to ``/secure``.

- Sprint field: Jira Software Server and Data Center put each sprint in the Sprint custom
  field as the Java ``toString`` of its bean,
  ``com.atlassian.greenhopper.service.sprint.Sprint@<hash>[id=..,rapidViewId=..,state=ACTIVE,
  name=..,startDate=..,endDate=..,completeDate=<null>,...,sequence=..,goal=..]``; only Cloud
  moved to JSON objects (Atlassian's Cloud deprecation notice "toString representation of
  sprints in Get issue response", 2020; Server answers captured in public issue threads such
  as CognizantOneDevOps/Insights#114 and ciandt/guru-dash-4teams#4).
- Changelog: Data Center has no ``/issue/{key}/changelog``; ``GET /issue/{key}?expand=changelog``
  carries ``changelog: {startAt, maxResults, total, histories}`` with every entry (Jira Server
  REST API v2 reference, IssueBean ``changelog``).
- Attachments: the content is at ``/secure/attachment/{id}/{filename}`` (the ``content`` link of
  an attachment); Data Center's REST API has no content endpoint (its ``/attachment`` resource
  is metadata, ``meta`` and archive ``expand`` only, as the generated DC client jira.js
  ``src/server/api/issueAttachments.ts`` lists).
"""

from __future__ import annotations

from datetime import datetime
from urllib.parse import quote

from sandbox.routes.common import View, jira_time
from sandbox.site import Attachment, Json, Sprint

SPRINT_CLASS = "com.atlassian.greenhopper.service.sprint.Sprint"


def sprint_text(s: Sprint) -> str:
    """The sprint as Data Center's Sprint field holds it: its bean's ``toString``."""
    parts = [
        ("id", str(s.id)),
        ("rapidViewId", str(s.board_id)),
        ("state", s.state.upper()),
        ("name", s.name),
        ("startDate", _moment(s.start)),
        ("endDate", _moment(s.end)),
        ("completeDate", _moment(s.complete)),
        ("activatedDate", _moment(s.start)),
        ("sequence", str(s.id)),
        ("goal", s.goal or "<null>"),
        ("synced", "false"),
        ("autoStartStop", "false"),
        ("incompleteIssuesDestinationId", "<null>"),
    ]
    body = ",".join(f"{key}={value}" for key, value in parts)
    return f"{SPRINT_CLASS}@{s.id * 7919:x}[{body}]"


def _moment(moment: datetime | None) -> str:
    return "<null>" if moment is None else jira_time(moment).replace("+0000", "Z")


def changelog(entries: list[Json]) -> Json:
    """The whole history (oldest first), as ``expand=changelog`` puts it in an issue on Data
    Center."""
    return {"startAt": 0, "maxResults": len(entries), "total": len(entries), "histories": entries}


def content_url(v: View, a: Attachment) -> str:
    """Where Data Center serves an attachment's bytes."""
    return f"{v.base}/secure/attachment/{a.id}/{quote(a.filename)}"


def thumbnail_url(v: View, a: Attachment) -> str:
    """Where Data Center serves an image attachment's thumbnail."""
    return f"{v.base}/secure/thumbnail/{a.id}/_thumb_{a.id}.png"
