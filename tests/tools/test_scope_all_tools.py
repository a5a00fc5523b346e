"""JIRA_PROJECTS is a hard boundary for every tool: adversarial inputs aimed at SEC.

With the scope SHOP,OPS, each case below calls one tool with queries, keys, ids, projects,
parents, sprints or boards of SEC. Nothing of SEC may come back (no SEC key the caller did
not type, no SEC summary, sprint or board name, in the text or the structured content), and
nothing may change: every write these cases ask for is a write to SEC or under it. The site
also holds an issue that moved from SHOP to SEC (its key still says SHOP, Jira says SEC) and
an SEC issue put into the active SHOP sprint. Every case runs against Jira Cloud and Jira
Data Center (REST v2, wiki markup, users by name, Sprint fields as text).
"""

from __future__ import annotations

import json
import re
from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any

import pytest
from mcp.types import CallToolResult

from sandbox.seed import EPIC
from sandbox.site import Issue, Site
from tests.tools.conftest import DEPLOYMENTS, ClientFactory, text_of
from tools import TOOL_NAMES

pytestmark = pytest.mark.anyio

SCOPE = "SHOP,OPS"
FORBIDDEN = "SEC"
SEC_BOARD = 3
ACTIVE_SHOP_SPRINT = 5
SEC_KEY = re.compile(r"\bSEC-\d+\b", re.IGNORECASE)
MOVED_SUMMARY = "Rotate the HSM master keys before the audit"


@dataclass(frozen=True)
class Case:
    """One adversarial call; ``must_fail`` when no honest answer can be anything but an error."""

    tool: str
    arguments: dict[str, Any]
    must_fail: bool = False


def case(tool: str, arguments: dict[str, Any], *, must_fail: bool = False) -> Any:
    """A parametrize entry whose id shows the tool and its arguments."""
    label = f"{tool}:{json.dumps(arguments, sort_keys=True)}"
    return pytest.param(Case(tool, arguments, must_fail), id=label[:90])


CASES = [
    # search_jql: projects, keys, ids, parents, sprints, text and tricks around the scope.
    case("search_jql", {"jql": "project = SEC"}),
    case("search_jql", {"jql": "project = sec ORDER BY created DESC"}),
    case("search_jql", {"jql": "project in (SEC, SHOP)", "limit": 100}),
    case("search_jql", {"jql": "project = SHOP OR project = SEC", "limit": 100}),
    case("search_jql", {"jql": "project != SHOP", "limit": 100}),
    case("search_jql", {"jql": "project = {sec_project_id}"}),
    case("search_jql", {"jql": "key = {sec_key}"}),
    case("search_jql", {"jql": "issuekey in ({sec_key}, SHOP-1)"}),
    case("search_jql", {"jql": "id = {sec_id}"}),
    case("search_jql", {"jql": "key = {moved_key}", "fields": ["summary", "project"]}),
    case("search_jql", {"jql": "parent = {sec_epic}"}),
    case("search_jql", {"jql": "sprint = 8"}),
    case("search_jql", {"jql": "sprint in openSprints()", "limit": 100}),
    case("search_jql", {"jql": 'text ~ "{sec_word}"', "limit": 100}),
    case("search_jql", {"jql": "ORDER BY key", "limit": 100}),
    case("search_jql", {"jql": "project = SEC", "count": True}),
    case("search_jql", {"jql": "created >= -365d", "limit": 100, "fields": ["summary", "parent"]}),
    case("search_jql", {"jql": "project = SHOP) OR (project = SEC"}),
    case("search_jql", {"jql": "project = SHOP", "page_token": "not-a-token"}),
    # bulk_fetch: keys, ids, case and spacing, the moved issue.
    case("bulk_fetch", {"keys": ["{sec_key}"]}),
    case("bulk_fetch", {"keys": ["{sec_key}", "SHOP-1", "OPS-1"]}),
    case("bulk_fetch", {"keys": ["{sec_key_lower}", " {sec_key} "]}),
    case("bulk_fetch", {"keys": ["{sec_id}"]}),
    case("bulk_fetch", {"keys": ["{moved_key}", "{moved_id}"], "fields": ["summary", "parent"]}),
    case("bulk_fetch", {"keys": ["{child_key}"], "fields": ["summary", "parent", "description"]}),
    case("bulk_fetch", {"keys": [f"SEC-{n}" for n in range(1, 31)]}),
    # create_issue: projects, ids, parents, dry runs and the fields escape hatch.
    case("create_issue", {"summary": "scope probe", "project": "SEC"}, must_fail=True),
    case("create_issue", {"summary": "scope probe", "project": "sec"}, must_fail=True),
    case("create_issue", {"summary": "scope probe", "project": "{sec_project_id}"}, must_fail=True),
    case(
        "create_issue",
        {"summary": "scope probe", "project": "SEC", "dry_run": True},
        must_fail=True,
    ),
    case(
        "create_issue",
        {"summary": "scope probe", "project": "SHOP", "parent": "{sec_epic}"},
        must_fail=True,
    ),
    case(
        "create_issue",
        {"summary": "scope probe", "project": "SHOP", "parent": "{moved_key}"},
        must_fail=True,
    ),
    case(
        "create_issue",
        {"summary": "scope probe", "project": "SHOP", "fields": {"project": {"key": "SEC"}}},
        must_fail=True,
    ),
    case(
        "create_issue",
        {"summary": "scope probe", "project": "SHOP", "fields": {"parent": {"key": "{sec_epic}"}}},
        must_fail=True,
    ),
    # transition: keys, ids, the moved issue, dry runs.
    case("transition", {"key": "{sec_key}", "to": "Done", "resolution": "Done"}, must_fail=True),
    case("transition", {"key": "{sec_key_lower}", "to": "In Progress"}, must_fail=True),
    case("transition", {"key": "{sec_key}", "to": "In Progress", "dry_run": True}, must_fail=True),
    case("transition", {"key": "{sec_id}", "to": "In Progress"}, must_fail=True),
    case("transition", {"key": "{moved_key}", "to": "In Progress"}, must_fail=True),
    case(
        "transition",
        {"key": "{moved_key}", "to": "In Progress", "comment": "probe", "dry_run": True},
        must_fail=True,
    ),
    # sprint_progress: sprints, boards and projects of SEC; an SEC issue in a SHOP sprint.
    case("sprint_progress", {"sprint_id": 8}, must_fail=True),
    case("sprint_progress", {"sprint_id": 7}, must_fail=True),
    case("sprint_progress", {"board_id": SEC_BOARD}, must_fail=True),
    case("sprint_progress", {"project": "SEC"}, must_fail=True),
    case("sprint_progress", {"project": "sec"}, must_fail=True),
    case("sprint_progress", {"board_id": SEC_BOARD, "project": "SHOP"}, must_fail=True),
    case("sprint_progress", {"sprint_id": 8, "board_id": 1}, must_fail=True),
    case("sprint_progress", {"sprint_id": ACTIVE_SHOP_SPRINT}),
    case("sprint_progress", {}),
    # get_attachment: SEC's files by their own issue, through an allowed issue, by a move.
    case(
        "get_attachment",
        {"key": "{sec_file_issue}", "attachment": "{sec_file_id}"},
        must_fail=True,
    ),
    case("get_attachment", {"key": "OPS-1", "attachment": "{sec_file_id}"}, must_fail=True),
    case("get_attachment", {"key": "SHOP-2", "attachment": "{sec_file_name}"}, must_fail=True),
    case("get_attachment", {"key": "{moved_key}", "attachment": "{moved_file}"}, must_fail=True),
    # add_attachment: SEC issues by key and id, the moved issue, dry runs.
    case(
        "add_attachment",
        {"key": "{sec_file_issue}", "filename": "probe.txt", "text": "probe"},
        must_fail=True,
    ),
    case(
        "add_attachment",
        {"key": "{sec_key}", "filename": "probe.txt", "text": "probe", "dry_run": True},
        must_fail=True,
    ),
    case("add_attachment", {"key": "{sec_id}", "filename": "p.txt", "text": "p"}, must_fail=True),
    case(
        "add_attachment",
        {"key": "{moved_key}", "filename": "probe.txt", "text": "probe"},
        must_fail=True,
    ),
    # validate_jql: local and remote checks of queries about SEC.
    case("validate_jql", {"jql": "project = SEC"}),
    case("validate_jql", {"jql": "key = {sec_key}", "remote": True}),
    case("validate_jql", {"jql": "project in (SEC, SHOP) AND parent = {sec_epic}", "remote": True}),
    case("validate_jql", {"jql": "sprint = 8 ORDER BY rank", "remote": True}),
    # lookup: every kind, SEC named as the project (key, any case, name, id) or the query.
    *(case("lookup", {"kind": kind}) for kind in ("projects", "issue_types", "statuses")),
    *(case("lookup", {"kind": kind}) for kind in ("boards", "sprints", "link_types", "me")),
    *(case("lookup", {"kind": kind}) for kind in ("priorities", "resolutions", "fields")),
    case("lookup", {"kind": "users", "query": "a"}),
    case("lookup", {"kind": "projects", "query": "sec"}),
    case("lookup", {"kind": "sprints", "query": "SEC"}),
    case("lookup", {"kind": "boards", "query": "SEC board"}),
    case("lookup", {"kind": "sprints", "project": "SEC"}, must_fail=True),
    case("lookup", {"kind": "boards", "project": "sec"}, must_fail=True),
    case("lookup", {"kind": "issue_types", "project": "Security Incidents"}, must_fail=True),
    case("lookup", {"kind": "statuses", "project": "{sec_project_id}"}, must_fail=True),
    # get_issue: keys, ids, the moved issue, a parent in SEC, links and history naming SEC.
    case("get_issue", {"key": "{sec_key}"}, must_fail=True),
    case("get_issue", {"key": "{sec_key_lower}", "comments": 100}, must_fail=True),
    case("get_issue", {"key": "{sec_id}"}, must_fail=True),
    case("get_issue", {"key": "{moved_key}", "changelog": 100}, must_fail=True),
    case("get_issue", {"key": "{child_key}", "fields": ["parent", "subtasks", "issuelinks"]}),
    case("get_issue", {"key": "SHOP-30", "comments": 100, "changelog": 100, "fields": ["*all"]}),
    # add_comment: keys, ids, the moved issue, dry runs, a body naming SEC.
    case("add_comment", {"key": "{sec_key}", "body": "probe"}, must_fail=True),
    case(
        "add_comment", {"key": "{sec_key_lower}", "body": "probe", "dry_run": True}, must_fail=True
    ),
    case("add_comment", {"key": "{sec_id}", "body": "probe"}, must_fail=True),
    case("add_comment", {"key": "{moved_key}", "body": "probe"}, must_fail=True),
    case("add_comment", {"key": "{moved_key}", "body": "probe", "dry_run": True}, must_fail=True),
    # link_issues: to and from SEC keys and ids, the moved issue, dry runs.
    case("link_issues", {"key": "SHOP-1", "to": "{sec_key}", "type": "blocks"}, must_fail=True),
    case("link_issues", {"key": "{sec_key}", "to": "SHOP-1", "type": "relates to"}, must_fail=True),
    case("link_issues", {"key": "SHOP-1", "to": "{moved_key}", "type": "blocks"}, must_fail=True),
    case(
        "link_issues",
        {"key": "SHOP-1", "to": "{sec_key}", "type": "is blocked by", "dry_run": True},
        must_fail=True,
    ),
    case("link_issues", {"key": "{moved_key}", "to": "SHOP-1", "type": "Blocks"}, must_fail=True),
    # update_issue: keys, ids, the moved issue, SEC parents, sprints, versions, components.
    case("update_issue", {"key": "{sec_key}", "summary": "probe"}, must_fail=True),
    case("update_issue", {"key": "{moved_key}", "summary": "probe"}, must_fail=True),
    case(
        "update_issue", {"key": "{moved_key}", "summary": "probe", "dry_run": True}, must_fail=True
    ),
    case("update_issue", {"key": "SHOP-1", "parent": "{sec_epic}"}, must_fail=True),
    case("update_issue", {"key": "SHOP-1", "sprint": "8"}, must_fail=True),
    case("update_issue", {"key": "SHOP-1", "sprint": "SEC Sprint 2"}, must_fail=True),
    case(
        "update_issue",
        {"key": "SHOP-1", "fields": {"fixVersions": [{"id": "100020"}]}},
        must_fail=True,
    ),
    case("update_issue", {"key": "{child_key}", "assignee": "me", "dry_run": True}),
]


def arrange(site: Site) -> dict[str, str]:
    """Move one SHOP issue to SEC, put one SEC issue into the active SHOP sprint, and return
    the values the cases' {placeholders} stand for."""
    moved = next(i for i in site.issues() if i.project == "SHOP" and i.parent is None)
    moved.project = FORBIDDEN
    moved.summary = MOVED_SUMMARY
    intruder = next(i for i in site.issues() if i.project == FORBIDDEN and not i.sprints)
    intruder.sprints = [ACTIVE_SHOP_SPRINT]
    intruder.flagged = True
    sec_issues = [i for i in site.issues() if i.project == FORBIDDEN and i is not moved]
    sec_issue = next(i for i in sec_issues if i.issuetype != EPIC and i.parent is None)
    epic = next(i for i in sec_issues if i.issuetype == EPIC)
    # A SHOP story under an SEC epic: its parent's key must not be shown.
    child = next(
        i for i in site.issues() if i.project == "SHOP" and i.parent is None and i is not moved
    )
    child.parent = epic.id
    project = site.projects[FORBIDDEN]
    with_files = next(i for i in sec_issues if i.attachments)
    return {
        "sec_file_issue": with_files.key,
        "sec_file_id": str(with_files.attachments[0].id),
        "sec_file_name": with_files.attachments[-1].filename,
        "moved_file": moved.attachments[0].filename if moved.attachments else "x.png",
        "sec_key": sec_issue.key,
        "sec_key_lower": sec_issue.key.lower(),
        "sec_id": str(sec_issue.id),
        "sec_epic": epic.key,
        "sec_project_id": project.id,
        "sec_word": _distinctive_word(site, sec_issues),
        "moved_key": moved.key,
        "moved_id": str(moved.id),
        "child_key": child.key,
    }


def _distinctive_word(site: Site, sec_issues: list[Issue]) -> str:
    """A word of an SEC summary that no in-scope summary contains."""
    allowed = " ".join(i.summary.lower() for i in site.issues() if i.project != FORBIDDEN)
    for issue in sec_issues:
        for match in re.finditer(r"[A-Za-z]{5,}", issue.summary):
            if match.group().lower() not in allowed:
                return match.group()
    raise AssertionError("every SEC summary word also appears in SHOP or OPS")


def fill(value: Any, values: dict[str, str]) -> Any:
    """The case's arguments with {placeholders} replaced by the arranged values."""
    if isinstance(value, str):
        for name, replacement in values.items():
            value = value.replace("{" + name + "}", replacement)
        return value
    if isinstance(value, list):
        return [fill(item, values) for item in value]
    if isinstance(value, dict):
        return {key: fill(item, values) for key, item in value.items()}
    return value


def everything_said(result: CallToolResult) -> str:
    """The text content and the structured content, as one string to search."""
    structured = json.dumps(result.structured_content or {}, ensure_ascii=False)
    return text_of(result) + "\n" + structured


def sec_secrets(site: Site) -> Iterator[str]:
    """Strings that only SEC data contains: summaries, sprint, board and project names."""
    in_scope = {i.summary for i in site.issues() if i.project != FORBIDDEN}
    for issue in site.issues():
        if issue.project == FORBIDDEN and issue.summary not in in_scope:
            yield issue.summary
    for sprint in site.data.sprints:
        if site.boards[sprint.board_id].project_key == FORBIDDEN:
            yield sprint.name
    for board in site.data.boards:
        if board.project_key == FORBIDDEN:
            yield board.name
    project = site.projects[FORBIDDEN]
    yield f"{project.name} ({project.key})"
    for issue in site.issues():
        if issue.project == FORBIDDEN:
            yield from (a.filename for a in issue.attachments)


@DEPLOYMENTS
@pytest.mark.parametrize("probe", CASES)
async def test_no_sec_data_out_and_no_sec_write(
    connect: ClientFactory, sandbox_app: Any, probe: Case
) -> None:
    """The call answers or fails, but shows nothing of SEC and changes nothing of SEC."""
    site: Site = sandbox_app.state.site
    arguments = fill(probe.arguments, arrange(site))
    before = site.data.model_dump_json()
    async with connect(jira_projects=SCOPE) as client:
        result = await client.call_tool(probe.tool, arguments)
    said = everything_said(result)
    typed = json.dumps(arguments, ensure_ascii=False).upper()
    leaked_keys = {k.upper() for k in SEC_KEY.findall(said)} - set(SEC_KEY.findall(typed))
    assert not leaked_keys, f"SEC keys in the answer: {sorted(leaked_keys)}\n{said[:2000]}"
    for secret in sec_secrets(site):
        if secret.upper() not in typed:
            assert secret not in said, f"SEC data {secret!r} in the answer\n{said[:2000]}"
    # Every writer case here must be refused, so nothing at all may change (SEC included).
    assert site.data.model_dump_json() == before, "the site changed"
    if probe.must_fail:
        assert result.is_error, f"expected a refusal, got: {said[:1000]}"


def test_case_table_covers_every_tool() -> None:
    """Every registered tool has adversarial cases in the table: a new tool needs its own."""
    covered = {param.values[0].tool for param in CASES}
    missing = sorted(set(TOOL_NAMES) - covered)
    assert not missing, f"tools without scope cases in {__name__}.CASES: {missing}"
