"""What every route shares: the caller, Jira's error bodies, JSON in and out, paging numbers."""

from __future__ import annotations

import json
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any

from starlette.requests import Request
from starlette.responses import JSONResponse, Response

from sandbox.config import DEMO_ACCOUNT_ID
from sandbox.site import Issue, Json, Site

NO_ISSUE = "Issue does not exist or you do not have permission to see it."


class ApiError(Exception):
    """An answer in Jira's ErrorCollection shape; raised anywhere, rendered by the app."""

    def __init__(
        self, status: int, messages: list[str] | None = None, errors: dict[str, str] | None = None
    ) -> None:
        super().__init__(status, messages, errors)
        self.status = status
        self.messages = messages or []
        self.errors = errors or {}

    def response(self) -> Response:
        """The JSON answer Jira gives for this error."""
        return JSONResponse({"errorMessages": self.messages, "errors": self.errors}, self.status)


@dataclass(frozen=True)
class View:
    """One request's window on the site: who asks, and the base of every self link."""

    site: Site
    account_id: str
    # Which Jira answers: Data Center sends wiki markup for rich text and users by name.
    deployment: str = "cloud"

    @property
    def datacenter(self) -> bool:
        """Whether this sandbox plays Jira Data Center."""
        return self.deployment == "datacenter"

    @property
    def base(self) -> str:
        """The site URL that self links start with."""
        return self.site.base_url

    def api(self, path: str) -> str:
        """A platform REST URL: v3 on Cloud, v2 on Data Center (which serves only v2)."""
        version = 2 if self.datacenter else 3
        return f"{self.base}/rest/api/{version}/{path}"

    def issue(self, id_or_key: str) -> Issue:
        """A visible issue, or Jira's 404 (an invisible issue does not exist for the caller)."""
        issue = self.site.find_issue(id_or_key)
        if issue is None or not self.site.visible(self.account_id, issue):
            raise ApiError(404, [NO_ISSUE])
        return issue


def view(request: Request) -> View:
    """The view of the site for the authenticated caller (the demo user when anonymous)."""
    site: Site = request.app.state.site
    account = request.scope.get("sandbox.account_id") or DEMO_ACCOUNT_ID
    return View(site, account, getattr(request.app.state, "deployment", "cloud"))


async def body(request: Request) -> Json:
    """The request's JSON object, or Jira's 400 for anything else."""
    raw = await request.body()
    try:
        data = json.loads(raw or b"null")
    except ValueError:
        raise ApiError(400, ["Unexpected character in the request body: invalid JSON."]) from None
    if not isinstance(data, dict):
        raise ApiError(400, ["The request body must be a JSON object."])
    return data


def ok(data: Any, status: int = 200) -> Response:
    """A JSON answer."""
    return JSONResponse(data, status)


def no_content() -> Response:
    """Jira's 204 for a write without a body."""
    return Response(status_code=204)


def int_param(request: Request, name: str, default: int, *, low: int = 0) -> int:
    """An integer query parameter, or Jira's 400 naming it."""
    raw = request.query_params.get(name)
    if raw is None or raw == "":
        return default
    try:
        value = int(raw)
    except ValueError:
        raise ApiError(
            400, [f"The value '{raw}' is not valid for the parameter '{name}'."]
        ) from None
    if value < low:
        raise ApiError(400, [f"The value of '{name}' must be at least {low}."])
    return value


def list_param(request: Request, name: str) -> list[str] | None:
    """A comma-separated or repeated query parameter, None when absent."""
    values = request.query_params.getlist(name)
    if not values:
        return None
    return [part.strip() for v in values for part in v.split(",") if part.strip()]


def jira_time(moment: datetime) -> str:
    """Jira's timestamp form: milliseconds and an offset without a colon."""
    utc = moment.astimezone(UTC)
    return utc.strftime("%Y-%m-%dT%H:%M:%S.") + f"{utc.microsecond // 1000:03d}+0000"


def page(items: list[Any], start: int, size: int) -> tuple[list[Any], bool]:
    """One offset page and whether it is the last."""
    chunk = items[start : start + size]
    return chunk, start + len(chunk) >= len(items)


def as_list(value: Any) -> list[str] | None:
    """A `fields`/`expand` value given as comma-separated text or a list of text."""
    if value is None:
        return None
    if isinstance(value, str):
        return [p.strip() for p in value.split(",") if p.strip()]
    if isinstance(value, list) and all(isinstance(x, str) for x in value):
        return [p.strip() for x in value for p in x.split(",") if p.strip()]
    raise ApiError(400, ["The 'fields' and 'expand' parameters must be text or a list of text."])
