"""`jira-mcp-gateway check`: who am I, which deployment, which projects, how much headroom."""

from __future__ import annotations

from server.config import Settings
from server.errors import JiraError, NotFound, PermissionDenied
from server.gateway import JiraGateway


async def check(settings: Settings) -> tuple[list[str], bool]:
    """Lines to print, and whether everything needed works."""
    jira_app = _sandbox_app(settings) if settings.is_sandbox else None
    try:
        async with JiraGateway.open(settings, asgi_app=jira_app) as gateway:
            me = await gateway.meta.myself()
            deployment = _site_name(
                await gateway.meta.deployment(), await gateway.meta.server_info()
            )
            projects, all_visible = await _projects(gateway, settings.jira_projects)
            headroom = _headroom(gateway.http.rate_headers)
    except JiraError as exc:
        return [f"check failed: {exc}"], False
    where = "the built-in sandbox" if settings.is_sandbox else settings.jira_url
    who = f"{me.get('displayName', '?')} <{me.get('emailAddress') or 'email hidden'}>"
    lines = [
        f"Jira:       {where} ({deployment})",
        f"Account:    {who}",
        f"Projects:   {projects}",
        f"Rate limit: {headroom}",
    ]
    return lines, all_visible


async def _projects(gateway: JiraGateway, keys: list[str]) -> tuple[str, bool]:
    if not keys:
        return "no allowlist (JIRA_PROJECTS unset): every project this account can see", True
    parts = []
    ok = True
    for key in keys:
        try:
            project = await gateway.meta.project(key)
            parts.append(f"{key} ok ({project.get('name', key)})")
        except (NotFound, PermissionDenied):
            parts.append(f"{key} MISSING or not visible to this account")
            ok = False
    return ", ".join(parts), ok


def _headroom(headers: dict[str, str]) -> str:
    limit = headers.get("x-ratelimit-limit")
    remaining = headers.get("x-ratelimit-remaining")
    if limit is None and remaining is None:
        return "Jira reported no rate-limit headers (plenty of headroom)"
    return f"{remaining or '?'} of {limit or '?'} requests left in the current window"


def _site_name(deployment: str, info: dict[str, object]) -> str:
    """ "Jira Data Center 10.3.4", or "Jira Cloud" (whose version number means nothing)."""
    if deployment != "datacenter":
        return "Jira Cloud"
    version = info.get("version")
    return f"Jira Data Center {version}" if version else "Jira Data Center (version not given)"


def _sandbox_app(settings: Settings) -> object:
    from server.embedded import embedded_sandbox  # noqa: PLC0415  # only the sandbox mode

    return embedded_sandbox(settings)
