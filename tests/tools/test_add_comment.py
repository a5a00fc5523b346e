"""add_comment through a real MCP client: Markdown in, visibility, scope, and at most once
under injected faults (gateway and sandbox share one fake clock: nothing really sleeps)."""

from __future__ import annotations

import json
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from dataclasses import dataclass
from typing import Any

import pytest
from mcp import Client
from mcp.types import CallToolResult

from sandbox.config import SandboxConfig
from sandbox.recorder import RequestRecorder
from sandbox.records import adf_text
from sandbox.site import Site
from server.adf import adf_to_markdown, markdown_to_adf
from server.app import build_server
from server.gateway.meta import Deployment
from server.gateway.settle import REQUEST_PROPERTY
from tests.gateway.fakes import FakeClock
from tests.sandbox.helpers import site_of
from tests.tools.conftest import DEPLOYMENTS, ClientFactory, on_site, text_of, tool_settings

pytestmark = pytest.mark.anyio

SCOPE = "SHOP,OPS"
TARGET = "SHOP-2"
SEEDS = range(30)
MAY_EXIST = "the comment may exist"


def bodies(site: Site, key: str) -> list[str]:
    """The plain text of every comment on an issue."""
    issue = site.find_issue(key)
    assert issue is not None
    return [adf_text(c.body) for c in issue.comments]


@DEPLOYMENTS
async def test_markdown_comment_is_posted_in_the_sites_rich_text_with_a_link(
    connect: ClientFactory, sandbox_app: Any, deployment: Deployment
) -> None:
    """A Markdown comment arrives as ADF on Cloud and as wiki markup on Data Center (bold and
    a list kept either way), and the answer links to it."""
    async with connect(jira_projects=SCOPE) as client:
        result = await client.call_tool(
            "add_comment", {"key": TARGET, "body": "**Shipped** to staging:\n\n- api\n- web"}
        )
    assert not result.is_error, text_of(result)
    out = result.structured_content
    assert out is not None
    issue = site_of(sandbox_app).find_issue(TARGET)
    assert issue is not None
    posted = issue.comments[-1]
    assert posted.id == out["comment_id"]
    if deployment == "datacenter":
        assert posted.body == "*Shipped* to staging:\n\n* api\n* web"
    else:
        assert isinstance(posted.body, dict)
        assert posted.body["content"][0]["content"][0]["marks"] == [{"type": "strong"}]
        assert posted.body["content"][1]["type"] == "bulletList"
    assert out["url"].endswith(f"/browse/{TARGET}?focusedCommentId={posted.id}")
    assert REQUEST_PROPERTY in posted.properties


@DEPLOYMENTS
@pytest.mark.parametrize(
    "markdown",
    [
        r"Use `*not bold*`, \*literal\* stars and \_under\_scores\_",
        r"snake_case_name {braces} \[brackets\] a-b -c- +d+ ^e^ ~f~ ??g?? |pipe| !img!",
        "h1. not a heading\n\n{code}not code{code} and \\\\ two backslashes",
        "**Shipped**: see [the log](https://example.com/log)\n\n1. one\n2. two\n\n> quoted",
    ],
)
async def test_comment_reads_back_as_the_markdown_it_was_written_in(
    connect: ClientFactory, markdown: str
) -> None:
    """A comment, markup characters typed by the user included, reads back through get_issue
    as the Markdown it was written in, on Cloud (ADF) and Data Center (wiki markup) alike."""
    async with connect(jira_projects=SCOPE) as client:
        posted = await client.call_tool("add_comment", {"key": TARGET, "body": markdown})
        read = await client.call_tool("get_issue", {"key": TARGET, "comments": 1})
    assert not posted.is_error, text_of(posted)
    assert read.structured_content is not None
    newest = read.structured_content["comments"][0]["body"]
    assert newest == adf_to_markdown(markdown_to_adf(markdown))


@DEPLOYMENTS
async def test_common_path_costs_one_write_after_the_scope_read(
    sandbox_app: Any, deployment: Deployment
) -> None:
    """With a scope: one fresh read of the issue's project, then the one POST; without: one."""
    recorder = RequestRecorder(sandbox_app)
    sent: dict[str, list[str]] = {}
    for label, scope in (("scoped", SCOPE), ("open", "")):
        settings = tool_settings(jira_projects=scope, jira_deployment=deployment)
        server = build_server(settings, jira_app=recorder)
        async with Client(server, raise_exceptions=False) as client:
            recorder.take()
            await client.call_tool("add_comment", {"key": TARGET, "body": f"{label} note"})
            sent[label] = recorder.take()
    post = on_site(f"POST /rest/api/3/issue/{TARGET}/comment", deployment)
    assert sent["scoped"] == [on_site(f"GET /rest/api/3/issue/{TARGET}", deployment), post]
    assert sent["open"] == [post]


@DEPLOYMENTS
async def test_visibility_is_kept_and_an_unknown_role_lists_the_valid_ones(
    connect: ClientFactory, sandbox_app: Any
) -> None:
    """role:Developers restricts the comment; role:Wizards is refused with roles and groups."""
    async with connect(jira_projects=SCOPE) as client:
        kept = await client.call_tool(
            "add_comment", {"key": TARGET, "body": "team only", "visibility": "role:Developers"}
        )
        refused = await client.call_tool(
            "add_comment", {"key": TARGET, "body": "wizards", "visibility": "role:Wizards"}
        )
        malformed = await client.call_tool(
            "add_comment", {"key": TARGET, "body": "x", "visibility": "Developers"}
        )
    issue = site_of(sandbox_app).find_issue(TARGET)
    assert issue is not None
    assert not kept.is_error, text_of(kept)
    assert issue.comments[-1].visibility == {"type": "role", "value": "Developers"}
    assert refused.is_error
    assert "role:Developers" in text_of(refused)
    assert "group:site-admins" in text_of(refused)
    assert "wizards" not in bodies(site_of(sandbox_app), TARGET)
    assert malformed.is_error
    assert "role:NAME or group:NAME" in text_of(malformed)


@DEPLOYMENTS
async def test_dry_run_posts_nothing(
    connect: ClientFactory, sandbox_app: Any, deployment: Deployment
) -> None:
    """dry_run posts nothing and shows the request as this Jira would be sent it: REST v3
    and ADF on Cloud, REST v2 and wiki markup on Data Center."""
    before = len(bodies(site_of(sandbox_app), TARGET))
    async with connect(jira_projects=SCOPE) as client:
        result = await client.call_tool(
            "add_comment", {"key": TARGET, "body": "maybe **bold**", "dry_run": True}
        )
    request = (result.structured_content or {})["request"]
    assert "Dry run" in text_of(result)
    assert len(bodies(site_of(sandbox_app), TARGET)) == before
    assert f"POST {request['path']}" == on_site(
        f"POST /rest/api/3/issue/{TARGET}/comment", deployment
    )
    if deployment == "datacenter":
        assert request["body"]["body"] == "maybe *bold*"
    else:
        assert request["body"]["body"]["type"] == "doc"


@DEPLOYMENTS
async def test_forbidden_and_moved_issues_get_no_comment(
    connect: ClientFactory, sandbox_app: Any
) -> None:
    """SEC-1, and SHOP-12 after its move to SEC, are refused; no comment lands anywhere."""
    site = site_of(sandbox_app)
    moved = site.find_issue("SHOP-12")
    assert moved is not None
    site.move_issue(moved, "SEC")
    before = site.data.model_dump_json()
    async with connect(jira_projects=SCOPE) as client:
        forbidden = await client.call_tool("add_comment", {"key": "SEC-1", "body": "probe"})
        gone = await client.call_tool("add_comment", {"key": "SHOP-12", "body": "probe"})
        dry = await client.call_tool(
            "add_comment", {"key": "SHOP-12", "body": "probe", "dry_run": True}
        )
    assert forbidden.is_error
    assert gone.is_error
    assert dry.is_error
    assert moved.summary not in text_of(gone) + text_of(dry)
    assert site.data.model_dump_json() == before


# -- faults ---------------------------------------------------------------------------------


@dataclass
class Tally:
    """What a run of comments under faults came to."""

    attempted: int = 0
    posted: int = 0
    recovered: int = 0
    refused: int = 0  # errors for comments that indeed do not exist
    unsettled: int = 0  # errors that say the comment may exist
    duplicates: int = 0
    false_failures: int = 0  # errors that admit no doubt, for a comment that exists


@pytest.fixture
def clock() -> FakeClock:
    """The virtual time shared by the gateway and the sandbox."""
    return FakeClock()


@pytest.fixture
def sandbox_config(clock: FakeClock, deployment: Deployment) -> SandboxConfig:
    """A sandbox without its rate limit, living on the fake clock."""
    return SandboxConfig(
        rate_limit=None, clock=clock.wall, sleep=clock.sleep, deployment=deployment
    )


@asynccontextmanager
async def faulty_client(app: Any, clock: FakeClock, **settings: object) -> AsyncIterator[Client]:
    """An MCP client whose gateway runs on the fake clock."""
    settings = {"jira_projects": SCOPE, **settings}
    server = build_server(tool_settings(**settings), jira_app=app, clock=clock)
    async with Client(server, raise_exceptions=False) as client:
        yield client


def record(tally: Tally, site: Site, text: str, result: CallToolResult) -> None:
    """Count one comment's outcome against what the site holds."""
    made = [b for b in bodies(site, TARGET) if b == text]
    tally.attempted += 1
    tally.duplicates += max(0, len(made) - 1)
    if not result.is_error:
        assert made, text
        tally.posted += 1
        tally.recovered += bool((result.structured_content or {}).get("recovered"))
    elif MAY_EXIST in text_of(result):
        tally.unsettled += 1
    elif made:
        tally.false_failures += 1
    else:
        tally.refused += 1


async def run_faults(
    config: SandboxConfig, app: Any, clock: FakeClock, label: str, per_seed: int, **kw: object
) -> Tally:
    """``per_seed`` comments for every seed under the faults set on ``config``."""
    tally = Tally()
    async with faulty_client(app, clock, jira_deployment=config.deployment, **kw) as client:
        for seed in SEEDS:
            config.faults.seed = seed
            for n in range(per_seed):
                text = f"{label} seed {seed} comment {n}"
                result = await client.call_tool("add_comment", {"key": TARGET, "body": text})
                record(tally, site_of(app), text, result)
    return tally


@DEPLOYMENTS
async def test_errors_after_the_write_never_duplicate(
    sandbox_config: SandboxConfig, sandbox_app: Any, clock: FakeClock
) -> None:
    """30% of answers replaced by a 503 after Jira acted: each comment once, none lost."""
    faults = sandbox_config.faults
    faults.error_rate, faults.error_codes, faults.error_after_write = 0.3, (503,), True
    tally = await run_faults(sandbox_config, sandbox_app, clock, "after-write", 4)
    assert tally.attempted == 120
    assert (tally.duplicates, tally.false_failures, tally.unsettled) == (0, 0, 0), tally
    assert tally.recovered > 0, tally
    assert tally.posted == tally.attempted, tally


@DEPLOYMENTS
async def test_errors_before_the_write_are_posted_once(
    sandbox_config: SandboxConfig, sandbox_app: Any, clock: FakeClock
) -> None:
    """503s where Jira did nothing: absence is read, then one more post; never two."""
    faults = sandbox_config.faults
    faults.error_rate, faults.error_codes, faults.error_after_write = 0.3, (503,), False
    tally = await run_faults(sandbox_config, sandbox_app, clock, "before-write", 4)
    assert (tally.duplicates, tally.false_failures) == (0, 0), tally
    assert tally.posted > 0.8 * tally.attempted, tally


@DEPLOYMENTS
async def test_answers_slower_than_the_timeout_never_duplicate(
    sandbox_config: SandboxConfig, sandbox_app: Any, clock: FakeClock
) -> None:
    """Writes that outlast the client's timeout (and 503s besides) are found, not repeated."""
    faults = sandbox_config.faults
    faults.hang_writes = 1.0
    faults.error_rate, faults.error_codes, faults.error_after_write = 0.3, (503,), True
    tally = await run_faults(sandbox_config, sandbox_app, clock, "hung", 2, jira_timeout=0.2)
    assert tally.attempted == 60
    assert (tally.duplicates, tally.false_failures, tally.unsettled) == (0, 0, 0), tally
    assert tally.recovered == tally.posted == tally.attempted, tally


class DropsCommentProperties:
    """An ASGI wrapper for a site that ignores comment properties on create."""

    def __init__(self, app: Any) -> None:
        self.app = app

    @property
    def state(self) -> Any:
        """The sandbox's state (its site)."""
        return self.app.state

    async def __call__(self, scope: Any, receive: Any, send: Any) -> None:
        is_post = scope["type"] == "http" and scope["method"] == "POST"
        if not (is_post and str(scope["path"]).endswith("/comment")):
            await self.app(scope, receive, send)
            return
        message = await receive()
        body = json.loads(message.get("body") or b"{}")
        body.pop("properties", None)
        raw = json.dumps(body).encode()
        headers = [(k, v) for k, v in scope["headers"] if k != b"content-length"]
        headers.append((b"content-length", str(len(raw)).encode()))

        async def replay() -> dict[str, Any]:
            return {"type": "http.request", "body": raw, "more_body": False}

        await self.app({**scope, "headers": headers}, replay, send)


@DEPLOYMENTS
async def test_without_properties_the_comment_is_found_by_body_and_author(
    sandbox_config: SandboxConfig, sandbox_app: Any, clock: FakeClock
) -> None:
    """A site that drops comment properties: lost answers are settled by the exact body
    posted by the same account since the send; still no duplicate, no false failure."""
    faults = sandbox_config.faults
    faults.error_rate, faults.error_codes, faults.error_after_write = 0.3, (503,), True
    app = DropsCommentProperties(sandbox_app)
    tally = await run_faults(sandbox_config, app, clock, "no-properties", 2)
    assert (tally.duplicates, tally.false_failures, tally.unsettled) == (0, 0, 0), tally
    assert tally.recovered > 0, tally
    issue = site_of(sandbox_app).find_issue(TARGET)
    assert issue is not None
    assert not any(REQUEST_PROPERTY in c.properties for c in issue.comments)
