"""Property: whatever the site and whatever the calls, nothing of SEC comes out or goes in.

Each example arranges a site (SHOP issues moved to SEC as Jira moves them, SHOP issues put
into SEC's sprints, SEC issues into SHOP's sprint, SHOP issues under SEC parents) and then
makes random tool calls whose arguments come from a grammar of references to both projects:
keys, old keys of moved issues, ids, sprints, boards, versions, components and JQL around
them. With the scope SHOP, no answer may contain a key, summary, sprint or board name of SEC
that the caller did not type, and SEC's issues must not change; on Jira Cloud and Data Center alike.
"""

from __future__ import annotations

import json
import re
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

import anyio
from hypothesis import HealthCheck, event, given, settings
from hypothesis import strategies as st
from mcp import Client

from sandbox.app import create_app
from sandbox.config import SandboxConfig
from sandbox.site import Site
from server.app import build_server
from server.gateway.meta import Deployment
from tests.tools.conftest import text_of, tool_settings
from tools import TOOL_NAMES

SCOPE = "SHOP"
FORBIDDEN = "SEC"
EXAMPLES = 80
DEPLOYMENT_NAMES: tuple[Deployment, ...] = ("cloud", "datacenter")
SEC_KEY = re.compile(r"\bSEC-\d+\b")

# -- the site ------------------------------------------------------------------------------

Mutation = tuple[str, int, int]
mutations = st.lists(
    st.tuples(
        st.sampled_from(["move", "into_sec_sprint", "intrude", "under_sec_parent"]),
        st.integers(0, 10_000),
        st.integers(0, 10_000),
    ),
    max_size=6,
)


@dataclass
class Arranged:
    """The site after the mutations, and what the references resolve to."""

    site: Site
    moved_old_keys: list[str] = field(default_factory=list)


def arrange(site: Site, steps: list[Mutation]) -> Arranged:
    """Apply the mutations; indices pick issues modulo the candidates."""
    arranged = Arranged(site)
    for kind, first, second in steps:
        shop = [i for i in site.issues() if i.project == "SHOP"]
        sec = [i for i in site.issues() if i.project == FORBIDDEN]
        if kind == "move" and shop:
            issue = shop[first % len(shop)]
            arranged.moved_old_keys.append(issue.key)
            site.move_issue(issue, FORBIDDEN)
        elif kind == "into_sec_sprint" and shop:
            shop[first % len(shop)].sprints = [8]
        elif kind == "intrude" and sec:
            sec[first % len(sec)].sprints = [5]
        elif kind == "under_sec_parent" and shop and sec:
            shop[first % len(shop)].parent = sec[second % len(sec)].id
    return arranged


# -- the calls -----------------------------------------------------------------------------

Ref = tuple[str, int]
refs = st.tuples(
    st.sampled_from(["shop", "sec", "moved", "shop_id", "sec_id", "missing"]), st.integers(0, 999)
)
sprints = st.sampled_from([1, 5, 6, 7, 8, 99])
boards = st.sampled_from([1, 2, 3, 77])
LOOKUP_KINDS = ["projects", "issue_types", "statuses", "fields", "users", "boards", "sprints", "me"]
projects = st.sampled_from(["SHOP", "SEC", "sec", "10002", "OPS"])
JQL = [
    "key = {k}",
    "parent = {k}",
    "issue in linkedIssues({k})",
    'issueFunction in linkedIssuesOf("key = {k}")',
    "sprint = {s}",
    "sprint in openSprints()",
    "project = {p}",
    "project != SHOP",
    "created >= -3650d ORDER BY key",
    'text ~ "{w}"',
]
FIELDS = ["summary", "parent", "Sprint", "subtasks", "status", "description"]
# Attachment ids and names of the seeded files (SHOP-1's and SEC-1's) and one that is missing.
ATTACHMENTS = ["30001", "30002", "30003", "30004", "sec-service.log", "shop-screenshot.png", "9"]
SEC_REFERENCE_FIELDS = [{"fixVersions": [{"id": "100020"}]}, {"components": [{"id": "100021"}]}]


@dataclass(frozen=True)
class Picked:
    """What every call draws first: a reference, a sprint, a project, a query and fields."""

    k: Ref
    s: int
    p: str
    jql: str
    fields: list[str]


def search_jql_args(draw: st.DrawFn, picked: Picked) -> dict[str, Any]:
    limit = draw(st.sampled_from([5, 100]))
    return {"jql": picked.jql, "limit": limit, "fields": picked.fields or None}


def validate_jql_args(draw: st.DrawFn, picked: Picked) -> dict[str, Any]:
    return {"jql": picked.jql, "remote": draw(st.booleans())}


def bulk_fetch_args(draw: st.DrawFn, picked: Picked) -> dict[str, Any]:
    keys = [("ref", r) for r in draw(st.lists(refs, min_size=1, max_size=4))]
    return {"keys": keys, "fields": picked.fields or None}


def create_issue_args(draw: st.DrawFn, picked: Picked) -> dict[str, Any]:
    extra = draw(st.sampled_from([{}, {"Sprint": picked.s}, *SEC_REFERENCE_FIELDS]))
    args: dict[str, Any] = {"summary": "probe", "project": picked.p, "fields": extra}
    args["dry_run"] = draw(st.booleans())
    if draw(st.booleans()):
        args["parent"] = ("ref", picked.k)
    return args


def transition_args(draw: st.DrawFn, picked: Picked) -> dict[str, Any]:
    args = {"key": ("ref", picked.k), "to": draw(st.sampled_from(["In Progress", "Done"]))}
    return {**args, "dry_run": draw(st.booleans())}


def sprint_progress_args(draw: st.DrawFn, picked: Picked) -> dict[str, Any]:
    return draw(
        st.sampled_from(
            [{}, {"sprint_id": picked.s}, {"board_id": draw(boards)}, {"project": picked.p}]
        )
    )


def get_issue_args(draw: st.DrawFn, picked: Picked) -> dict[str, Any]:
    args = {"key": ("ref", picked.k), "comments": draw(st.sampled_from([0, 3, 50]))}
    return {**args, "changelog": draw(st.sampled_from([0, 30]))}


def update_issue_args(draw: st.DrawFn, picked: Picked) -> dict[str, Any]:
    change: dict[str, Any] = draw(
        st.sampled_from(
            [
                {"summary": "probe"},
                {"add_labels": ["probe"]},
                {"parent": ("ref", draw(refs))},
                {"sprint": str(picked.s)},
                {"fields": draw(st.sampled_from(SEC_REFERENCE_FIELDS))},
            ]
        )
    )
    return {"key": ("ref", picked.k), **change, "dry_run": draw(st.booleans())}


def link_issues_args(draw: st.DrawFn, picked: Picked) -> dict[str, Any]:
    args = {"key": ("ref", picked.k), "to": ("ref", draw(refs)), "type": "blocks"}
    return {**args, "dry_run": draw(st.booleans())}


def add_comment_args(draw: st.DrawFn, picked: Picked) -> dict[str, Any]:
    return {"key": ("ref", picked.k), "body": "probe {k}", "dry_run": draw(st.booleans())}


def get_attachment_args(draw: st.DrawFn, picked: Picked) -> dict[str, Any]:
    return {"key": ("ref", picked.k), "attachment": draw(st.sampled_from(ATTACHMENTS))}


def add_attachment_args(draw: st.DrawFn, picked: Picked) -> dict[str, Any]:
    args = {"key": ("ref", picked.k), "filename": "probe.txt", "text": "probe"}
    return {**args, "dry_run": draw(st.booleans())}


def lookup_args(draw: st.DrawFn, picked: Picked) -> dict[str, Any]:
    kind = draw(st.sampled_from(LOOKUP_KINDS))
    project = picked.p if kind in ("issue_types", "statuses", "boards", "sprints") else None
    query = draw(st.sampled_from([None, "sec", "SEC Sprint", "Security", "a"]))
    return {"kind": kind, "project": draw(st.sampled_from([None, project])), "query": query}


# The arguments of each tool's calls; every registered tool needs an entry (tested below).
ARGUMENTS: dict[str, Callable[[st.DrawFn, Picked], dict[str, Any]]] = {
    "search_jql": search_jql_args,
    "bulk_fetch": bulk_fetch_args,
    "create_issue": create_issue_args,
    "transition": transition_args,
    "sprint_progress": sprint_progress_args,
    "validate_jql": validate_jql_args,
    "get_issue": get_issue_args,
    "add_comment": add_comment_args,
    "update_issue": update_issue_args,
    "link_issues": link_issues_args,
    "get_attachment": get_attachment_args,
    "add_attachment": add_attachment_args,
    "lookup": lookup_args,
}


@st.composite
def calls(draw: st.DrawFn) -> tuple[str, dict[str, Any]]:
    """One tool call with arguments drawn from the reference grammar ({k} etc. resolved later)."""
    tool = draw(st.sampled_from(TOOL_NAMES))
    k, s, p = draw(refs), draw(sprints), draw(projects)
    jql = draw(st.sampled_from(JQL))
    fields = draw(st.lists(st.sampled_from(FIELDS), max_size=3, unique=True))
    args = ARGUMENTS[tool](draw, Picked(k, s, p, jql, fields))
    return tool, {"_k": k, "_s": s, "_p": p, **{a: v for a, v in args.items() if v is not None}}


def test_every_tool_has_drawn_arguments() -> None:
    """Every registered tool is called by the property: a new tool needs its ARGUMENTS entry."""
    missing = sorted(set(TOOL_NAMES) - set(ARGUMENTS))
    assert not missing, f"tools the scope property never calls (add to ARGUMENTS): {missing}"


def resolve_ref(ref: Ref, arranged: Arranged) -> str:
    """A reference of the grammar as the text the caller types."""
    kind, index = ref
    site = arranged.site
    pool = {
        "shop": [i.key for i in site.issues() if i.project == "SHOP"],
        "sec": [i.key for i in site.issues() if i.project == FORBIDDEN],
        "moved": arranged.moved_old_keys or ["SHOP-1"],
        "shop_id": [str(i.id) for i in site.issues() if i.project == "SHOP"],
        "sec_id": [str(i.id) for i in site.issues() if i.project == FORBIDDEN],
        "missing": ["SHOP-9999", "987654"],
    }[kind]
    return pool[index % len(pool)]


def resolve(args: dict[str, Any], arranged: Arranged) -> dict[str, Any]:
    """The call's arguments with every reference and JQL placeholder filled in."""
    key = resolve_ref(args["_k"], arranged)
    word = _sec_word(arranged.site)

    def fill(value: Any) -> Any:
        if isinstance(value, tuple) and value and value[0] == "ref":
            return resolve_ref(value[1], arranged)
        if isinstance(value, str):
            return value.format(k=key, s=args["_s"], p=args["_p"], w=word)
        if isinstance(value, list):
            return [fill(item) for item in value]
        if isinstance(value, dict):
            return {name: fill(item) for name, item in value.items()}
        return value

    return {name: fill(value) for name, value in args.items() if not name.startswith("_")}


def _sec_word(site: Site) -> str:
    allowed = " ".join(i.summary.lower() for i in site.issues() if i.project != FORBIDDEN)
    for issue in site.issues():
        if issue.project == FORBIDDEN:
            for word in re.findall(r"[A-Za-z]{6,}", issue.summary):
                if word.lower() not in allowed:
                    return str(word)
    return "nothing"


# -- the check -----------------------------------------------------------------------------


def forbidden_strings(site: Site) -> set[str]:
    """What only SEC holds: its issues' keys and summaries, its sprints' and boards' names."""
    in_scope = " ".join(i.summary for i in site.issues() if i.project != FORBIDDEN)
    found = {i.key for i in site.issues() if i.project == FORBIDDEN}
    found |= {
        i.summary
        for i in site.issues()
        if i.project == FORBIDDEN and len(i.summary) >= 12 and i.summary not in in_scope
    }
    sec_boards = {b.id for b in site.data.boards if b.project_key == FORBIDDEN}
    found |= {s.name for s in site.data.sprints if s.board_id in sec_boards}
    found |= {b.name for b in site.data.boards if b.id in sec_boards}
    for issue in site.issues():
        if issue.project == FORBIDDEN:
            found |= {a.filename for a in issue.attachments}
            found |= {a.content.decode(errors="replace")[:40] for a in issue.attachments}
    return found


def sec_state(site: Site) -> str:
    """SEC's issues as JSON, to tell whether any write reached them."""
    return json.dumps(
        [i.model_dump(mode="json") for i in site.issues() if i.project == FORBIDDEN],
        sort_keys=True,
    )


async def run_example(
    steps: list[Mutation], drawn: list[tuple[str, dict[str, Any]]], deployment: Deployment
) -> None:
    app = create_app(SandboxConfig(rate_limit=None, deployment=deployment))
    arranged = arrange(app.state.site, steps)
    site = arranged.site
    secrets, before = forbidden_strings(site), sec_state(site)
    settings = tool_settings(jira_projects=SCOPE, jira_deployment=deployment)
    server = build_server(settings, jira_app=app)
    async with Client(server, raise_exceptions=False) as client:
        for tool, raw in drawn:
            arguments = resolve(raw, arranged)
            result = await client.call_tool(tool, arguments)
            event(f"{tool}: {'refused' if result.is_error else 'answered'}")
            said = text_of(result) + json.dumps(result.structured_content or {})
            typed = json.dumps(arguments)
            for secret in secrets:
                if secret not in typed:
                    assert secret not in said, f"{tool} {arguments} showed {secret!r}:\n{said}"
    assert sec_state(site) == before, "a write reached SEC"


@settings(
    max_examples=EXAMPLES,
    deadline=None,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large],
)
@given(
    steps=mutations,
    drawn=st.lists(calls(), min_size=1, max_size=8),
    deployment=st.sampled_from(DEPLOYMENT_NAMES),
)
def test_nothing_of_sec_comes_out_or_goes_in(
    steps: list[Mutation], drawn: list[tuple[str, dict[str, Any]]], deployment: Deployment
) -> None:
    """Random sites, random calls, on Jira Cloud or Data Center: no SEC data out, no SEC
    write in."""
    event(f"deployment: {deployment}")
    anyio.run(run_example, steps, drawn, deployment)
