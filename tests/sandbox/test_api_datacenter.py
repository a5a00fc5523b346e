"""The Data Center flavour of the sandbox: serverInfo, v2 search by startAt, no Cloud-only paths."""

from __future__ import annotations

from dataclasses import replace

import pytest

from sandbox.app import create_app
from sandbox.middleware import SandboxEdges
from tests.sandbox.helpers import config, sandbox, site_of

SEARCH = "/rest/api/2/search"


def datacenter() -> SandboxEdges:
    """A sandbox playing Jira Data Center."""
    return create_app(replace(config(), deployment="datacenter"))


@pytest.mark.anyio
async def test_server_info_says_data_center() -> None:
    """serverInfo names the deployment DataCenter and a 10.x version."""
    async with sandbox(datacenter()) as client:
        info = (await client.get("/rest/api/2/serverInfo")).json()
    assert info["deploymentType"] == "DataCenter"
    assert info["versionNumbers"][0] == 10


@pytest.mark.anyio
async def test_search_pages_by_start_at_with_a_total() -> None:
    """Pages from startAt walk every matching issue once, each page saying the total."""
    app = datacenter()
    expected = sorted(i.key for i in site_of(app).issues() if i.project == "SHOP")
    seen: list[str] = []
    async with sandbox(app) as client:
        start = 0
        while True:
            body = {"jql": "project = SHOP", "startAt": start, "maxResults": 7, "fields": ["key"]}
            page = (await client.post(SEARCH, json=body)).json()
            assert page["total"] == len(expected)
            assert page["startAt"] == start
            seen += [i["key"] for i in page["issues"]]
            start += len(page["issues"])
            if not page["issues"] or start >= page["total"]:
                break
    assert sorted(seen) == expected


@pytest.mark.anyio
async def test_zero_results_answers_the_total_alone() -> None:
    """maxResults 0 gives the count and no issues."""
    async with sandbox(datacenter()) as client:
        page = (await client.post(SEARCH, json={"jql": "project = OPS", "maxResults": 0})).json()
    assert page["issues"] == []
    assert page["total"] > 0


@pytest.mark.anyio
async def test_validate_query_is_a_boolean() -> None:
    """Cloud's validateQuery strings are refused; false runs a failing query with warnings."""
    async with sandbox(datacenter()) as client:
        strict = await client.post(SEARCH, json={"jql": "project = OPS", "validateQuery": "strict"})
        broken = {"jql": "project = OPS AND", "validateQuery": False}
        lenient = await client.post(SEARCH, json=broken)
    assert strict.status_code == 400
    assert "validateQuery" in strict.json()["errorMessages"][0]
    assert lenient.status_code == 200
    assert lenient.json()["warningMessages"]


@pytest.mark.anyio
async def test_a_bad_query_is_a_400_with_error_messages() -> None:
    """A query that does not parse answers 400 in Jira's ErrorCollection shape."""
    async with sandbox(datacenter()) as client:
        response = await client.post(SEARCH, json={"jql": "project = OPS AND"})
    assert response.status_code == 400
    assert response.json()["errorMessages"]


@pytest.mark.anyio
@pytest.mark.parametrize(
    "path",
    [
        "/rest/api/3/search/jql",
        "/rest/api/3/search/approximate-count",
        "/rest/api/3/issue/bulkfetch",
    ],
)
async def test_cloud_only_endpoints_answer_404(path: str) -> None:
    """The endpoints only Cloud has are not found on Data Center."""
    async with sandbox(datacenter()) as client:
        response = await client.post(path, json={"jql": "project = OPS"})
    assert response.status_code == 404


@pytest.mark.anyio
async def test_cloud_flavour_still_refuses_v2_search() -> None:
    """The Cloud sandbox keeps answering 410 for the removed v2 search."""
    async with sandbox() as client:
        response = await client.post(SEARCH, json={"jql": "project = OPS"})
    assert response.status_code == 410
