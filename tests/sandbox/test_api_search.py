"""`/search/jql`, `/search/approximate-count`: paging, fields, limits and Jira's 400s."""

from __future__ import annotations

from collections.abc import Callable

import httpx
import pytest

from sandbox.app import create_app
from sandbox.config import SandboxConfig
from sandbox.records import UNBOUNDED
from sandbox.seed import DONE, SUBTASK
from sandbox.site import Issue
from tests.gateway.fakes import FakeClock
from tests.sandbox.helpers import checked, config, sandbox, site_of

SEARCH = "/rest/api/3/search/jql"
UNBOUNDED_BODY = {"errorMessages": [UNBOUNDED], "errors": {}}


async def walk(client: httpx.AsyncClient, jql: str, size: int, **extra: object) -> list[str]:
    """Every issue id a query returns, following nextPageToken until isLast."""
    ids: list[str] = []
    token = None
    while True:
        payload = {"jql": jql, "maxResults": size, **extra}
        if token:
            payload["nextPageToken"] = token
        page = checked(await client.post(SEARCH, json=payload), SEARCH)
        ids += [issue["id"] for issue in page["issues"]]
        if page["isLast"]:
            assert "nextPageToken" not in page
            return ids
        token = page["nextPageToken"]


@pytest.mark.anyio
async def test_paging_walks_every_issue_exactly_once() -> None:
    """Following nextPageToken visits every issue of the site once and only once."""
    app = create_app(config())
    async with sandbox(app) as client:
        ids = await walk(client, "project in (SHOP, OPS, SEC)", 37)
    expected = {str(i.id) for i in site_of(app).issues()}
    assert len(ids) == len(expected)
    assert set(ids) == expected


@pytest.mark.anyio
async def test_paging_with_fields_is_capped_at_100_a_page() -> None:
    """With fields asked, a page holds at most 100 issues, and paging still covers all."""
    async with sandbox() as client:
        first = checked(
            await client.post(
                SEARCH, json={"jql": "project = SHOP", "maxResults": 1000, "fields": ["summary"]}
            ),
            SEARCH,
        )
        ids = await walk(client, "project = SHOP", 1000, fields=["summary"])
    assert len(first["issues"]) == 100
    assert len(ids) == len(set(ids)) == 200


@pytest.mark.anyio
async def test_ids_only_by_default_and_up_to_5000() -> None:
    """Without `fields` an issue is only its id, and one page can hold every id."""
    async with sandbox() as client:
        page = checked(
            await client.get(SEARCH, params={"jql": "project = SHOP", "maxResults": 9000}),
            SEARCH,
        )
    assert page["isLast"] is True
    assert len(page["issues"]) == 200
    assert all(set(issue) == {"id"} for issue in page["issues"])


@pytest.mark.anyio
async def test_default_page_is_50() -> None:
    """maxResults defaults to 50 and the first page of a long result is not the last."""
    async with sandbox() as client:
        page = checked(await client.get(SEARCH, params={"jql": "project = SHOP"}), SEARCH)
    assert len(page["issues"]) == 50
    assert page["isLast"] is False
    assert page["nextPageToken"]


@pytest.mark.anyio
async def test_token_of_another_query_is_refused() -> None:
    """A nextPageToken only works with the JQL that produced it."""
    async with sandbox() as client:
        page = checked(await client.get(SEARCH, params={"jql": "project = SHOP"}), SEARCH)
        other = await client.get(
            SEARCH, params={"jql": "project = OPS", "nextPageToken": page["nextPageToken"]}
        )
        garbage = await client.get(
            SEARCH, params={"jql": "project = SHOP", "nextPageToken": "not-a-token"}
        )
    checked(other, SEARCH, 400)
    checked(garbage, SEARCH, 400)


@pytest.mark.anyio
@pytest.mark.parametrize("jql", ["", "   ", "order by key desc"])
async def test_unbounded_or_empty_jql_is_refused_with_jiras_body(jql: str) -> None:
    """An empty query or one with only ORDER BY gets Jira's exact unbounded-JQL 400."""
    async with sandbox() as client:
        via_get = await client.get(SEARCH, params={"jql": jql})
        via_post = await client.post(SEARCH, json={"jql": jql})
        count = await client.post("/rest/api/3/search/approximate-count", json={"jql": jql})
    assert checked(via_get, SEARCH, 400) == UNBOUNDED_BODY
    assert checked(via_post, SEARCH, 400) == UNBOUNDED_BODY
    assert count.status_code == 400


@pytest.mark.anyio
async def test_missing_jql_is_unbounded() -> None:
    """A search without any jql parameter is refused as unbounded."""
    async with sandbox() as client:
        response = await client.get(SEARCH)
    assert checked(response, SEARCH, 400) == UNBOUNDED_BODY


@pytest.mark.anyio
async def test_fields_all_navigable_exclusions_and_names() -> None:
    """`*all`, `*navigable`, `-field` and field names pick the fields Jira would send."""
    async with sandbox() as client:

        async def fields_of(fields: list[str]) -> set[str]:
            page = checked(
                await client.post(SEARCH, json={"jql": "key = SHOP-12", "fields": fields}),
                SEARCH,
            )
            return set(page["issues"][0]["fields"])

        everything = await fields_of(["*all"])
        navigable = await fields_of(["*navigable"])
        without_comment = await fields_of(["*all", "-comment"])
        by_name = await fields_of(["summary", "Story Points", "status"])
    assert "comment" in everything
    assert "comment" not in navigable
    assert everything - without_comment == {"comment"}
    assert by_name == {"summary", "customfield_10016", "status"}
    assert {f"customfield_{n}" for n in range(10000, 10041)} <= everything


@pytest.mark.anyio
async def test_every_issue_carries_the_null_custom_field_bloat() -> None:
    """With `*all`, unset custom fields are present as null, as on a real site."""
    async with sandbox() as client:
        page = checked(
            await client.post(
                SEARCH, json={"jql": "project = OPS", "fields": ["*all"], "maxResults": 5}
            ),
            SEARCH,
        )
    for issue in page["issues"]:
        assert issue["fields"]["customfield_10040"] is None
        assert len(issue["fields"]["reporter"]["avatarUrls"]) == 4
        assert issue["fields"]["status"]["statusCategory"]["key"] in {
            "new",
            "indeterminate",
            "done",
        }


@pytest.mark.anyio
async def test_expand_names_and_schema() -> None:
    """`expand=names,schema` adds the field names and types of the returned fields."""
    async with sandbox() as client:
        page = checked(
            await client.get(
                SEARCH,
                params={
                    "jql": "project = SHOP",
                    "fields": "summary,customfield_10016",
                    "expand": "names,schema",
                    "maxResults": 1,
                },
            ),
            SEARCH,
        )
    assert page["names"] == {"summary": "Summary", "customfield_10016": "Story Points"}
    assert page["schema"]["customfield_10016"]["type"] == "number"


@pytest.mark.anyio
async def test_reconcile_issues_is_accepted_up_to_50() -> None:
    """reconcileIssues is accepted; more than 50 ids are refused."""
    async with sandbox() as client:
        fine = await client.post(SEARCH, json={"jql": "project = SEC", "reconcileIssues": [1]})
        too_many = await client.post(
            SEARCH, json={"jql": "project = SEC", "reconcileIssues": list(range(51))}
        )
    assert len(checked(fine, SEARCH)["issues"]) == 30
    checked(too_many, SEARCH, 400)


@pytest.mark.anyio
async def test_a_new_issue_reaches_search_after_the_lag_or_when_reconciled() -> None:
    """With search_lag=8 a created issue is missing from search for 8 s, except when reconciled."""
    clock = FakeClock()
    app = create_app(SandboxConfig(rate_limit=None, clock=clock.wall, search_lag=8.0))
    fields = {"project": {"key": "SEC"}, "issuetype": {"name": "Task"}, "summary": "Lagging"}
    query = {"jql": "project = SEC AND summary ~ Lagging"}
    async with sandbox(app) as client:
        created = checked(
            await client.post("/rest/api/3/issue", json={"fields": fields}),
            "/rest/api/3/issue",
            201,
        )
        early = checked(await client.post(SEARCH, json=query), SEARCH)
        count = (await client.post("/rest/api/3/search/approximate-count", json=query)).json()
        reconciled = checked(
            await client.post(SEARCH, json={**query, "reconcileIssues": [int(created["id"])]}),
            SEARCH,
        )
        clock.advance(8.0)
        late = checked(await client.post(SEARCH, json=query), SEARCH)
    assert (early["issues"], count["count"]) == ([], 0)
    assert [i["id"] for i in reconciled["issues"]] == [created["id"]]
    assert [i["id"] for i in late["issues"]] == [created["id"]]


@pytest.mark.anyio
async def test_approximate_count_counts_matches() -> None:
    """approximate-count answers `{"count": n}` for a bounded query."""
    app = create_app(config())
    async with sandbox(app) as client:
        response = await client.post(
            "/rest/api/3/search/approximate-count", json={"jql": "project = OPS"}
        )
    expected = sum(1 for i in site_of(app).issues() if i.project == "OPS")
    assert checked(response, "/rest/api/3/search/approximate-count") == {"count": expected}


@pytest.mark.anyio
@pytest.mark.parametrize(
    "jql",
    ["status WAS Done", "project = SHOP AND status CHANGED", "assignee in fancyFunction()"],
)
async def test_queries_the_sandbox_cannot_evaluate_answer_400(jql: str) -> None:
    """A query the sandbox cannot evaluate is refused, never answered wrongly."""
    async with sandbox() as client:
        response = await client.post(SEARCH, json={"jql": jql})
    body = checked(response, SEARCH, 400)
    assert "cannot evaluate" in body["errorMessages"][0]


@pytest.mark.anyio
async def test_unknown_field_and_project_get_jiras_messages() -> None:
    """Unknown fields and projects are named in Jira's words."""
    async with sandbox() as client:
        field = await client.post(SEARCH, json={"jql": "universe = 42"})
        project = await client.post(SEARCH, json={"jql": "project = VULN"})
        syntax = await client.post(SEARCH, json={"jql": "project = "})
    assert checked(field, SEARCH, 400)["errorMessages"] == [
        "Field 'universe' does not exist or you do not have permission to view it."
    ]
    assert checked(project, SEARCH, 400)["errorMessages"] == [
        "The value 'VULN' does not exist for the field 'project'."
    ]
    assert checked(syntax, SEARCH, 400)["errorMessages"][0].startswith("Error in the JQL Query:")


@pytest.mark.anyio
async def test_hidden_project_issues_do_not_exist_for_the_caller() -> None:
    """Issues in a project the caller may not browse are left out and answer 404."""
    app = create_app(config())
    site = site_of(app)
    site.data.hidden_projects[next(iter(site.users))] = ["SEC"]
    async with sandbox(app) as client:
        count = await client.post(
            "/rest/api/3/search/approximate-count", json={"jql": "project in (SHOP, SEC)"}
        )
        issue = await client.get("/rest/api/3/issue/SEC-1")
    assert count.json() == {"count": 200}
    checked(issue, "/rest/api/3/issue/{issueIdOrKey}", 404)


def _shop(app: object, keep: Callable[[Issue], bool]) -> set[str]:
    """Ids of the SHOP issues for which ``keep`` holds, from the site's own data."""
    site = site_of(app)
    return {str(i.id) for i in site.issues() if i.project == "SHOP" and keep(i)}


JIRA_ANSWERS: list[tuple[str, Callable[[Issue], bool]]] = [
    ("resolution = Unresolved", lambda i: i.resolution is None),
    ("resolution is EMPTY", lambda i: i.resolution is None),
    ("resolution != Unresolved", lambda i: i.resolution is not None),
    ("resolution in (Unresolved, Duplicate)", lambda i: i.resolution in (None, "10002")),
    ("priority >= High", lambda i: i.priority in ("1", "2")),
    ("priority < Medium", lambda i: i.priority in ("4", "5")),
    ("statusCategory = Done", lambda i: i.status == DONE),
    ("statusCategory != Done", lambda i: i.status != DONE),
    ("key <= SHOP-5", lambda i: int(i.key.split("-")[1]) <= 5),
    ("issuetype in subtaskIssueTypes()", lambda i: i.issuetype == SUBTASK),
    ("issuetype in standardIssueTypes()", lambda i: i.issuetype != SUBTASK),
]


@pytest.mark.anyio
@pytest.mark.parametrize(("condition", "keep"), JIRA_ANSWERS)
async def test_queries_jira_answers_are_answered_alike(
    condition: str, keep: Callable[[Issue], bool]
) -> None:
    """Jira's special values, priority order by rank, key order and list functions."""
    app = create_app(config())
    async with sandbox(app) as client:
        ids = await walk(client, f"project = SHOP AND {condition}", 100)
    expected = _shop(app, keep)
    assert expected
    assert set(ids) == expected


@pytest.mark.anyio
async def test_values_no_object_has_are_refused() -> None:
    """A status, priority, type or resolution no object has is Jira's 400, not 0 issues."""
    async with sandbox() as client:
        response = await client.post(
            SEARCH, json={"jql": 'project = SHOP AND status = "In Progres"'}
        )
    body = checked(response, SEARCH, 400)
    assert body["errorMessages"] == [
        "The value 'In Progres' does not exist for the field 'status'."
    ]
