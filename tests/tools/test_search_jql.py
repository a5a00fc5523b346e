"""search_jql through a real MCP client against the sandbox."""

from __future__ import annotations

import re
import time
from collections.abc import AsyncIterator, Callable
from contextlib import asynccontextmanager
from typing import Any

import pytest
from mcp import Client
from mcp.types import CallToolResult

from sandbox.app import create_app
from sandbox.config import SandboxConfig
from sandbox.recorder import RequestRecorder
from sandbox.site import Site
from server.app import build_server
from tests.gateway.fakes import FakeClock
from tests.sandbox import churn
from tests.sandbox.churn import issues_of
from tests.sandbox.helpers import site_of
from tests.tools.conftest import DEPLOYMENTS, ClientFactory, text_of, tool_settings

pytestmark = pytest.mark.anyio

SCOPE = "SHOP,OPS"
SEC_KEY = re.compile(r"\bSEC-\d+")
# The scope is the last AND operand of the query that ran, before any ORDER BY.
SCOPED_TAIL = re.compile(r'AND project IN \("SHOP", "OPS"\)( ORDER BY [^"]*)?$|^project IN')


def site_keys(sandbox_app: Any, project: str) -> set[str]:
    """Every key of a project, straight from the sandbox's data."""
    return {issue.key for issue in sandbox_app.state.site.issues() if issue.project == project}


async def search(client: Client, **arguments: Any) -> CallToolResult:
    """Call search_jql; the raw result."""
    return await client.call_tool("search_jql", arguments)


def data_of(result: CallToolResult) -> dict[str, Any]:
    """The structured result of a call that must have succeeded."""
    assert not result.is_error, text_of(result)
    data: dict[str, Any] | None = result.structured_content
    assert data is not None
    return data


@DEPLOYMENTS
async def test_default_search_is_a_compact_table(
    connect: ClientFactory, sandbox_app: Any, sandbox_config: SandboxConfig
) -> None:
    """20 SHOP issues: one request, a header, one short line per issue, a next page token;
    times are dates in the text (UTC, said in the header) and full UTC times in the data."""
    async with connect(jira_projects=SCOPE) as client:
        result = await search(client, jql="project = SHOP ORDER BY key")
    data = data_of(result)
    lines = text_of(result).splitlines()
    assert lines[0].startswith("key|summary|status|assignee|priority|type|updated (")
    assert lines[0].endswith("UTC)")
    rows = lines[1:21]
    assert [row.split("|")[0] for row in rows] == [issue["key"] for issue in data["issues"]]
    assert len(data["issues"]) == 20
    assert sum(len(row.encode()) + 1 for row in rows) / len(rows) <= 85
    assert re.fullmatch(r"\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ", data["issues"][0]["updated"])
    assert set(data["issues"][0]) == {
        "key", "summary", "status", "assignee", "priority", "type", "updated"
    }  # fmt: skip
    first = sandbox_app.state.site.find_issue(data["issues"][0]["key"])
    assert data["issues"][0]["summary"] == first.summary
    assert data["next_page_token"]
    assert lines[-1] == f"next_page_token: {data['next_page_token']}"
    assert data["jql"] == 'project = "SHOP" AND project IN ("SHOP", "OPS") ORDER BY key'
    assert "approximate_total" not in text_of(result)
    assert sandbox_config.counters.requests == 1


@DEPLOYMENTS
async def test_syntax_error_sends_no_request(
    connect: ClientFactory, sandbox_config: SandboxConfig
) -> None:
    """A syntax error answers with position, caret and hint, and Jira is never asked."""
    async with connect(jira_projects=SCOPE) as client:
        result = await search(client, jql='project = SHOP AND status = "Done')
    assert result.is_error
    text = text_of(result)
    assert "line 1, column" in text
    assert "^" in text
    assert "Hint:" in text
    assert sandbox_config.counters.requests == 0


@DEPLOYMENTS
async def test_forbidden_project_is_refused_by_name(
    connect: ClientFactory, sandbox_config: SandboxConfig
) -> None:
    """A query naming a project outside the scope is refused, naming it, before any request."""
    async with connect(jira_projects=SCOPE) as client:
        result = await search(client, jql="project = SEC AND status = Done")
    assert result.is_error
    assert "SEC" in text_of(result)
    assert "OPS, SHOP" in text_of(result)
    assert sandbox_config.counters.requests == 0


ADVERSARIAL = [
    "project = SEC) OR (key = SHOP-1",
    "project = SHOP OR project = SEC",
    'project = SHOP AND summary ~ "x ORDER BY key) OR (project = SEC"',
    'project = SHOP AND summary ~ "\\u0029 OR project = SEC"',
    "project = SHOP \u0029 OR (project = SEC",
    "key in (SEC-1, SHOP-1)",
    "issuekey = SEC-1",
    "issue in linkedIssues(SEC-1)",
    "parent = SEC-1",
    "project = SHOP \uff09 OR \uff08project = SEC",
    "project = SHOP \ufe5a OR project = SEC",
    "project = SHOP\nOR project = SEC",
    "status = Done\n) OR (\nproject = SEC",
    "project = SEC\n--\nORDER BY key",
    "project != SHOP",
    "NOT project in (SHOP, OPS)",
    "project not in (SHOP)",
    "key > SHOP-0",
    "ORDER BY key",
    "status = Done OR status != Done",
    "project = 10002",
    'project in projectsWhereUserHasPermission("Browse Projects")',
]


@pytest.mark.parametrize("jql", ADVERSARIAL)
@DEPLOYMENTS
async def test_adversarial_jql_never_reaches_sec(
    connect: ClientFactory, sandbox_app: Any, jql: str
) -> None:
    """Whatever the JQL, no SEC issue comes back: refused, or every page stays in scope."""
    sec = site_keys(sandbox_app, "SEC")
    assert sec
    async with connect(jira_projects=SCOPE) as client:
        token: str | None = None
        for _ in range(10):
            arguments: dict[str, Any] = {"jql": jql, "limit": 100, "fields": ["summary"]}
            if token:
                arguments["page_token"] = token
            result = await search(client, **arguments)
            if result.is_error:
                assert result.structured_content is None or not result.structured_content.get(
                    "issues"
                )
                return
            data = data_of(result)
            keys = {issue["key"] for issue in data["issues"]}
            assert not keys & sec
            assert all(key.startswith(("SHOP-", "OPS-")) for key in keys)
            assert not SEC_KEY.search(text_of(result))
            assert SCOPED_TAIL.search(data["jql"])
            token = data["next_page_token"]
            if token is None:
                return
    pytest.fail("paging did not end")


@pytest.mark.parametrize(
    "jql", ["project != SHOP", "NOT project = SHOP", "project not in (SHOP) ORDER BY key"]
)
@DEPLOYMENTS
async def test_negations_stay_inside_the_scope(
    connect: ClientFactory, sandbox_app: Any, jql: str
) -> None:
    """'Not SHOP' under a SHOP,OPS scope means exactly the OPS issues, never SEC ones."""
    keys: list[str] = []
    async with connect(jira_projects=SCOPE) as client:
        token: str | None = None
        for _ in range(10):
            arguments: dict[str, Any] = {"jql": jql, "limit": 50, "fields": ["status"]}
            if token:
                arguments["page_token"] = token
            data = data_of(await search(client, **arguments))
            keys.extend(issue["key"] for issue in data["issues"])
            token = data["next_page_token"]
            if token is None:
                break
    assert sorted(keys) == sorted(site_keys(sandbox_app, "OPS"))


@DEPLOYMENTS
async def test_paging_walks_a_project_exactly_once(
    connect: ClientFactory, sandbox_app: Any
) -> None:
    """Following next_page_token visits every SHOP issue once and then stops."""
    seen: list[str] = []
    pages = 0
    async with connect(jira_projects=SCOPE) as client:
        token: str | None = None
        while True:
            arguments: dict[str, Any] = {"jql": "project = SHOP", "limit": 30}
            if token:
                arguments["page_token"] = token
            data = data_of(await search(client, **arguments))
            seen.extend(issue["key"] for issue in data["issues"])
            pages += 1
            token = data["next_page_token"]
            if token is None:
                break
            assert pages < 20
    expected = site_keys(sandbox_app, "SHOP")
    assert len(seen) == len(set(seen)) == len(expected)
    assert set(seen) == expected
    assert pages == -(-len(expected) // 30)


@DEPLOYMENTS
async def test_page_token_replayed_with_another_query_is_refused(
    connect: ClientFactory, sandbox_config: SandboxConfig
) -> None:
    """A page token only continues its own query and fields; otherwise: rerun the first page."""
    async with connect(jira_projects=SCOPE) as client:
        token = data_of(await search(client, jql="project = SHOP", limit=5))["next_page_token"]
        sandbox_config.counters.reset()
        other_query = await search(client, jql="project = OPS", limit=5, page_token=token)
        other_fields = await search(
            client, jql="project = SHOP", limit=5, page_token=token, fields=["summary"]
        )
        edited = await search(client, jql="project = SHOP", limit=5, page_token=token[:-2] + "x")
        same = await search(client, jql="project = SHOP", limit=5, page_token=token)
    for refused in (other_query, other_fields):
        assert refused.is_error
        assert "another query or other fields" in text_of(refused)
        assert "without page_token" in text_of(refused)
    assert edited.is_error
    assert "not one this server issued" in text_of(edited)
    assert sandbox_config.counters.requests == 1  # only the honest replay reached Jira
    assert len(data_of(same)["issues"]) == 5


@DEPLOYMENTS
@pytest.mark.parametrize("name", ["Story Points", "story points", "cf[10016]", "customfield_10016"])
async def test_story_points_resolves(connect: ClientFactory, sandbox_app: Any, name: str) -> None:
    """'Story Points', its clause name and its id all return the story points of each issue."""
    async with connect(jira_projects=SCOPE) as client:
        data = data_of(
            await search(client, jql="project = SHOP ORDER BY key", fields=[name], limit=50)
        )
    site = sandbox_app.state.site
    column = next(iter(set(data["issues"][0]) - {"key"}))
    assert column in ("Story Points", "customfield_10016")
    points = {issue["key"]: issue[column] for issue in data["issues"]}
    expected = {key: site.find_issue(key).story_points for key in points}
    assert points == expected
    assert any(value is not None for value in points.values())


@DEPLOYMENTS
async def test_names_cost_one_field_list_request(
    connect: ClientFactory, sandbox_config: SandboxConfig
) -> None:
    """A display name costs one /field call (then cached); ids and system fields cost none."""
    async with connect(jira_projects=SCOPE) as client:
        await search(client, jql="project = SHOP", fields=["Story Points", "summary"])
        assert sandbox_config.counters.requests == 2
        await search(client, jql="project = SHOP", fields=["Story Points"])
        assert sandbox_config.counters.requests == 3
        await search(client, jql="project = SHOP", fields=["customfield_10016", "status"])
        assert sandbox_config.counters.requests == 4


@DEPLOYMENTS
async def test_unknown_field_answers_with_close_matches(
    connect: ClientFactory, sandbox_config: SandboxConfig
) -> None:
    """A misspelt field name is refused with the closest names the site has."""
    async with connect(jira_projects=SCOPE) as client:
        result = await search(client, jql="project = SHOP", fields=["Story Pointz"])
    assert result.is_error
    assert "Unknown field 'Story Pointz'" in text_of(result)
    assert "Story Points (customfield_10016)" in text_of(result)
    assert sandbox_config.counters.requests == 1  # the field list; no search


@DEPLOYMENTS
async def test_only_the_asked_fields_come_back(connect: ClientFactory) -> None:
    """Asking for status returns key and status only (the project the scope adds stays out)."""
    async with connect(jira_projects=SCOPE) as client:
        result = await search(client, jql="project = OPS", fields=["status"], limit=2)
    data = data_of(result)
    assert all(set(issue) == {"key", "status"} for issue in data["issues"])
    assert text_of(result).splitlines()[0] == "key|status"


@DEPLOYMENTS
async def test_all_fields_are_refused(
    connect: ClientFactory, sandbox_config: SandboxConfig
) -> None:
    """*all is refused with a clear text and no request."""
    async with connect(jira_projects=SCOPE) as client:
        result = await search(client, jql="project = SHOP", fields=["*all"])
    assert result.is_error
    assert "['*all'] is not allowed" in text_of(result)
    assert "Name the fields you need" in text_of(result)
    assert sandbox_config.counters.requests == 0


@DEPLOYMENTS
async def test_too_many_fields_are_refused(connect: ClientFactory) -> None:
    """More fields than JIRA_MAX_FIELDS are refused, saying the limit."""
    async with connect(jira_projects=SCOPE, jira_max_fields=2) as client:
        result = await search(
            client, jql="project = SHOP", fields=["summary", "status", "assignee"]
        )
    assert result.is_error
    assert "the limit is 2" in text_of(result)


@DEPLOYMENTS
async def test_count_adds_the_approximate_total(
    connect: ClientFactory, sandbox_app: Any, sandbox_config: SandboxConfig, deployment: str
) -> None:
    """count=true adds approximate_total, in data and text: one more request on Cloud (its
    approximate count), none on Data Center (whose page says its total)."""
    async with connect(jira_projects=SCOPE) as client:
        result = await search(client, jql="project = OPS", count=True, limit=5)
    data = data_of(result)
    assert data["approximate_total"] == len(site_keys(sandbox_app, "OPS"))
    assert f"approximate_total: {data['approximate_total']}" in text_of(result)
    assert sandbox_config.counters.requests == (1 if deployment == "datacenter" else 2)


@DEPLOYMENTS
async def test_no_match_says_so_with_the_scoped_query(connect: ClientFactory) -> None:
    """A query that matches nothing says so plainly and shows the query that ran."""
    async with connect(jira_projects=SCOPE) as client:
        result = await search(client, jql='project = SHOP AND summary ~ "zzqxv"')
    data = data_of(result)
    assert data["issues"] == []
    assert data["next_page_token"] is None
    assert text_of(result).startswith(f"No issues match this query: {data['jql']}")
    assert 'project IN ("SHOP", "OPS")' in text_of(result)


@DEPLOYMENTS
async def test_lint_warnings_are_returned(connect: ClientFactory) -> None:
    """Doubtful JQL still runs, and the warnings come back with a rewrite."""
    async with connect(jira_projects=SCOPE) as client:
        result = await search(client, jql="project = SHOP AND assignee != alice", limit=2)
    data = data_of(result)
    assert "negative-misses-empty" in {w["rule"] for w in data["warnings"]}
    assert "warning [negative-misses-empty]" in text_of(result)


@DEPLOYMENTS
async def test_without_scope_the_query_runs_as_written(
    connect: ClientFactory, sandbox_app: Any
) -> None:
    """Without JIRA_PROJECTS the query runs as written, and 'no-project' is a warning."""
    async with connect() as client:
        data = data_of(await search(client, jql="status = Done", count=True, limit=1))
    assert data["jql"] == 'status = "Done"'
    assert "no-project" in {w["rule"] for w in data["warnings"]}
    site = sandbox_app.state.site
    done = [i for i in site.issues() if site.statuses[i.status].name == "Done"]
    assert data["approximate_total"] == len(done)
    assert {i.project for i in done} >= {"SHOP", "SEC"}


@DEPLOYMENTS
async def test_unbounded_query_without_scope_is_refused_locally(
    connect: ClientFactory, sandbox_config: SandboxConfig
) -> None:
    """Without a scope, a query with no condition is refused before Jira would refuse it;
    the example names a real project, never a placeholder (one read of the project list)."""
    async with connect() as client:
        result = await search(client, jql="ORDER BY created DESC")
    assert result.is_error
    assert "project = SHOP ORDER BY created DESC" in text_of(result)
    assert "(projects: SHOP, OPS, SEC)" in text_of(result)
    assert "ABC" not in text_of(result)
    assert sandbox_config.counters.requests == 1


@DEPLOYMENTS
async def test_count_is_scoped_too(connect: ClientFactory, sandbox_app: Any) -> None:
    """The approximate total counts only issues inside the scope."""
    site = sandbox_app.state.site
    done_in_scope = [
        issue
        for issue in site.issues()
        if issue.project in ("SHOP", "OPS") and site.statuses[issue.status].name == "Done"
    ]
    async with connect(jira_projects=SCOPE) as client:
        data = data_of(await search(client, jql="status = Done", count=True, limit=1))
    assert data["approximate_total"] == len(done_in_scope)


@DEPLOYMENTS
async def test_columns_are_named_as_people_know_them(connect: ClientFactory) -> None:
    """resolutiondate is "resolved", fixVersions "fix versions", in the text and the data."""
    async with connect(jira_projects=SCOPE) as client:
        result = await search(
            client, jql="project = SHOP", fields=["resolutiondate", "fixVersions"], limit=2
        )
    data = data_of(result)
    assert set(data["issues"][0]) == {"key", "resolved", "fix versions"}
    header = text_of(result).splitlines()[0]
    assert header.startswith("key|resolved")
    assert "|fix versions" in header


@pytest.mark.parametrize("deployment", ["datacenter"])
async def test_auto_detection_asks_server_info_once(
    connect: ClientFactory, sandbox_app: Any, sandbox_config: SandboxConfig
) -> None:
    """With JIRA_DEPLOYMENT=auto a Data Center site is recognised by one serverInfo request,
    then each page costs one request (the count comes with the first page's total)."""
    async with connect(jira_projects=SCOPE, jira_deployment="auto") as client:
        first = data_of(await search(client, jql="project = OPS", limit=5, count=True))
        token = first["next_page_token"]
        second = data_of(await search(client, jql="project = OPS", limit=5, page_token=token))
    keys = [issue["key"] for issue in first["issues"] + second["issues"]]
    assert len(set(keys)) == 10
    assert first["approximate_total"] == len(site_keys(sandbox_app, "OPS"))
    assert sandbox_config.counters.requests == 3


# Data Center pages while other people work ------------------------------------------------

ORDERINGS = (
    "ORDER BY created DESC",
    "ORDER BY created ASC",
    "",
    "ORDER BY priority DESC",
    "ORDER BY key DESC",
)


@asynccontextmanager
async def datacenter_client(clock: FakeClock) -> AsyncIterator[tuple[Client, Site, list[str]]]:
    """A client of a server on a Data Center sandbox sharing ``clock``: the client, the
    site, and the requests the sandbox receives."""
    app = create_app(SandboxConfig(rate_limit=None, deployment="datacenter", clock=clock.wall))
    recorder = RequestRecorder(app)
    settings = tool_settings(jira_deployment="datacenter", jira_projects=SCOPE)
    server = build_server(settings, jira_app=recorder, clock=clock)
    async with Client(server, raise_exceptions=False) as client:
        yield client, site_of(app), recorder.requests


async def walk(
    client: Client,
    site: Site,
    order: str,
    between: Callable[[Site, list[str]], None],
    limit: int = 7,
) -> tuple[list[str], int]:
    """Every page of a SHOP search, calling ``between`` after each: keys seen, pages read."""
    seen: list[str] = []
    pages = 0
    arguments: dict[str, Any] = {"jql": f"project = SHOP {order}".strip(), "limit": limit}
    while pages < 60:
        data = data_of(await search(client, **arguments))
        seen.extend(issue["key"] for issue in data["issues"])
        pages += 1
        if data["next_page_token"] is None:
            break
        arguments["page_token"] = data["next_page_token"]
        between(site, seen)
    return seen, pages


@pytest.mark.parametrize("order", ORDERINGS)
async def test_datacenter_pages_neither_repeat_nor_skip_while_issues_change(order: str) -> None:
    """On Data Center, issues created, deleted and moved out of the query between pages
    repeat no issue and skip none that existed at the first page; one search per page."""
    clock = FakeClock(wall_start=time.time())
    existing: dict[int, str] = {}
    gone: set[int] = set()

    def others_work(site: Site, seen: list[str]) -> None:
        existing.update(existing or issues_of(site, "SHOP"))
        for _ in range(3):
            clock.now += 7
            churn.create_issue(site, "SHOP")
        shop = [i for i in site.issues() if i.project == "SHOP" and i.id in existing]
        read = [i for i in shop if i.key in seen]
        unread = [i for i in shop if i.key not in seen]
        churn.delete_issue(site, read[0])
        site.move_issue(read[-1], "OPS")
        gone.update({read[0].id, read[-1].id})
        if unread:
            churn.delete_issue(site, unread[-1])
            gone.add(unread[-1].id)

    async with datacenter_client(clock) as (client, site, requests):
        seen, pages = await walk(client, site, order, others_work)
    assert len(seen) == len(set(seen))  # no repeats
    assert {key for id_, key in existing.items() if id_ not in gone} <= set(seen)  # no skips
    assert requests.count("POST /rest/api/2/search") == pages
    assert requests.count("GET /rest/api/2/myself") == 1  # the zone, once the result moved


async def test_datacenter_result_is_frozen_at_the_first_page() -> None:
    """Issues created minutes after the first page, more than a page's worth each time and
    sorting first, do not join the result; once the account's time zone is known (the first
    search that saw the result move asked it) each page costs one search."""
    clock = FakeClock(wall_start=time.time())
    created: list[str] = []

    def busy_minutes(site: Site, _seen: list[str]) -> None:
        clock.now += 300
        created.extend(churn.create_issue(site, "SHOP").key for _ in range(25))

    async with datacenter_client(clock) as (client, site, requests):
        learning, _ = await walk(client, site, "ORDER BY created DESC", busy_minutes, 20)
        before, existing = len(requests), issues_of(site, "SHOP")
        created.clear()
        seen, pages = await walk(client, site, "ORDER BY created DESC", busy_minutes, 50)
        sent = requests[before:]
    for keys in (learning, seen):
        assert len(keys) == len(set(keys))
    assert sorted(seen) == sorted(existing.values())
    assert len(created) == 25 * (pages - 1)
    assert sent == ["POST /rest/api/2/search"] * pages
